import type { KeepAttributes } from './session.js';

/** A request's session cookie as express-session's `req.session.cookie` describes it. */
export interface SessionCookieFacts {
  readonly path: string;
  readonly domain: string | undefined;
  readonly sameSite: 'lax' | 'strict' | 'none';
  readonly httpOnly: boolean;
  /** Whether the cookie of this request carries `Secure`. */
  readonly secure: boolean;
  /** Persistent (`Max-Age` follows the expiry) or gone with the browser: the lifetime policy's kind. */
  readonly persistent: boolean;
  /** The idle timeout of the session's lifetime policy (ms): express-session's `originalMaxAge`. */
  readonly idleTimeout: number;
  /** When the session ends unless extended; for one not stored yet, when it would (ms since the epoch). */
  readonly expiresAt: number;
  /** The store's clock, for the `maxAge` that counts down to `expiresAt`. */
  readonly now: number;
}

/**
 * What a `SessionDialect` asks of a request's session beyond the native API: the operations
 * express-session, @fastify/session and koa-session have and sess does differently. Each keeps
 * sess' rules: one new id per sign-in, timeouts from lifetime policies, no write that could
 * revive an ended session.
 */
export interface CompatBackend {
  /**
   * The session id, giving the request an unsaved session first if it has none (express-session
   * always has an id; this one is stored only once something is written to it).
   */
  ensureId(): string;
  /**
   * express-session's and @fastify/session's `regenerate`: the session continues under a new id
   * with only the `keep` attributes. The id changes at the commit, together with a sign-in the
   * principal mapping finds in the data written meanwhile, so a Passport login costs one move.
   * `swap`: the view in use keeps reading the data left behind (as the old object does in
   * express-session) and a new view takes over the request.
   */
  regenerateAtCommit(keep: KeepAttributes, swap: boolean): Promise<void>;
  /**
   * express-session's `save`: nothing to do before the commit, which runs before the response's
   * first byte anyway; after it (a streamed response), the changes are written now.
   */
  save(): Promise<void>;
  /** Drops what the request changed and reads the session again; `SESSION_GONE` if it ended. */
  reload(): Promise<void>;
  cookieFacts(): SessionCookieFacts;
  /**
   * Moves the session to the lifetime policy a cookie max age stands for (see
   * `lifetimeForMaxAge`); `null`: a browser-session cookie. `where` names the setter for errors.
   */
  setCookieMaxAge(maxAge: number | null, where: string): void;
}
