// The attributes the bench's sess apps use, typed once for the three adapters.
declare module '@sess/core' {
  interface SessionData {
    user: string;
    role: string;
    locale: string;
    theme: string;
    visits: number;
    /** Passport's: the serialized user (the Passport stacks). */
    passport: { user: string };
  }
}

export {};
