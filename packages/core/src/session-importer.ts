/**
 * Moves the sessions of another library to sess one user at a time, on each user's first
 * request after the switch (the HTTP option `migrateFrom`; docs/migrate/lazy-migration.md).
 * `@sess/migrate` has one for express-session, @fastify/session and koa-session.
 *
 * A request with no valid sess cookie is offered to each importer in turn. `oldSessionId`
 * checks the old cookie with no I/O: a request with no old cookie, or an unsigned or forged
 * one, costs nothing more. For a valid one, `read` fetches the old session with one read of
 * its key; sess then creates a new session from it (a new id, the principal from
 * `principalFrom`), sets its cookie and clears the old ones. The old key is left as it is,
 * to its own expiry, so a rollback finds it.
 */
export interface SessionImporter {
  /** The library it reads, for metrics: `'express-session'`. */
  readonly source: string;
  /**
   * The names of the old cookies it reads and clears. sess' own cookie must be named otherwise,
   * or clearing an old cookie would clear it too: the HTTP options check.
   */
  readonly cookieNames: readonly string[];
  /**
   * The old session's id, when the request's Cookie header carries the old cookie validly
   * signed; undefined otherwise. Synchronous and without I/O.
   */
  oldSessionId(cookieHeader: string): string | undefined;
  /**
   * The old session: one `context.read` of its key, converted. Undefined when it is gone
   * (expired, destroyed) or holds nothing sess can use.
   */
  read(oldId: string, context: ImportContext): Promise<ImportedSession | undefined>;
  /** The Set-Cookie values that make the browser drop the old cookie(s). */
  clearCookies(secureRequest: boolean): readonly string[];
}

/** What an importer may do while reading. */
export interface ImportContext {
  /** `GET key` through the store's port, under its deadline: the value, or null. */
  read(key: string): Promise<string | null>;
  /** The store's clock (ms since the epoch). */
  readonly now: number;
}

/** An old session, converted: its data and what it says of its lifetime. */
export interface ImportedSession {
  /** The attributes. Names sess reserves, and values its serializer refuses, are left out. */
  readonly data: Readonly<Record<string, unknown>>;
  /** When the old session began, if it says (ms since the epoch); else now. */
  readonly createdAt?: number | undefined;
  /** When the old session would have ended (ms since the epoch): kept if sooner than its policy's. */
  readonly expiresAt?: number | undefined;
  /**
   * The old cookie's max age (ms), or null for a cookie that ended with the browser: picks the
   * lifetime policy as `cookie.maxAge = n` does (`lifetimeForMaxAge`). Undefined, or no policy
   * fitting: the default.
   */
  readonly maxAge?: number | null | undefined;
}
