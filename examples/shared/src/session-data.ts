// What the example apps keep in a session. Declared once on core's `SessionData`, it types
// `session.counter` in every route (as `number | undefined`: a session may not have it yet).
// The package's entry point imports this file, so every app that imports the package sees it.
declare module '@sess/core' {
  interface SessionData {
    /** How often the signed-in user loaded the home page in this session. */
    counter: number;
  }
}

export {};
