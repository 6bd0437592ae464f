// `@sess/express`: the middleware. The store, the session's types and the errors come from
// `@sess/core`, which every install line names next to this package (docs/reference/entry-points.md).
export type { ExpressSession, ExpressSessionSurface } from './express-session-dialect.js';
export { type SessionMiddleware, session } from './session-middleware.js';
