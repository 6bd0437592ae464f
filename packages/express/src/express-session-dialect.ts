import { type RegenerateSessionOptions, SessError, type Session } from '@sess/core';
import {
  callBack,
  type NodeCallback,
  type SessionBackend,
  SessionCookieView,
  type SessionDialect,
} from '@sess/core/adapter';

/**
 * What express-session gives `req.session` besides data, on sess' session: the surface
 * Passport, connect-flash, csrf-sync and most Express code use (docs/integrations/express-session-api.md).
 */
export interface ExpressSessionSurface {
  /**
   * The cookie as express-session describes it. `maxAge`, `originalMaxAge` and `expires`
   * follow the session's lifetime policy; assigning one moves the session to the policy that
   * value stands for (a persistent policy whose `idleTimeout` is that many ms, or a
   * browser-session one for `null`).
   */
  readonly cookie: SessionCookieView;
  /**
   * express-session's `regenerate(cb)`: a new, empty session (Passport copies the old data
   * over with `keepSessionInfo`). The id changes when the response goes out, in one move with
   * the sign-in `principalFrom` finds in the data written meanwhile. `req.session` is a new
   * object after the callback; the old one keeps the old data.
   */
  regenerate(callback: NodeCallback): this;
  /** express-session's `destroy(cb)`: `signOut()`, then `callback`. */
  destroy(callback: NodeCallback): this;
  /**
   * Calls back at once: the session is written when the response goes out, before its first
   * byte. After that (a streamed response), writes now.
   */
  save(callback?: NodeCallback): this;
  /** Drops this request's changes and reads the session again; an error if it has ended. */
  reload(callback: NodeCallback): this;
  /** Nothing to do: sess extends the expiry itself, at most once per `touchInterval`. */
  touch(): this;
  /** Nothing to do, as `touch`. */
  resetMaxAge(): this;
}

/** `req.session` of `@sess/express`: sess' session, speaking express-session too. */
export type ExpressSession = Session & ExpressSessionSurface;

const NAMES: ReadonlySet<string> = new Set([
  'cookie',
  'regenerate',
  'destroy',
  'save',
  'reload',
  'touch',
  'resetMaxAge',
]);

/** express-session's vocabulary on sess' views (see `ExpressSessionSurface`). */
export const EXPRESS_SESSION_DIALECT: SessionDialect = {
  names: NAMES,
  get(name: string, backend: SessionBackend, view: Session): unknown {
    switch (name) {
      case 'cookie':
        return new SessionCookieView(backend, 'req.session.cookie');
      case 'regenerate':
        return (options?: RegenerateSessionOptions | NodeCallback) => {
          if (typeof options !== 'function') return backend.regenerate(options);
          callBack(backend.compat.regenerateAtCommit('none', true), options);
          return view;
        };
      case 'destroy':
        return (callback?: NodeCallback) => {
          if (typeof callback !== 'function') return backend.destroy();
          callBack(backend.signOut(), callback);
          return view;
        };
      case 'save':
        return (callback?: NodeCallback) => {
          callBack(backend.compat.save(), typeof callback === 'function' ? callback : ignore);
          return view;
        };
      case 'reload':
        return (callback?: NodeCallback) => {
          callBack(backend.compat.reload(), typeof callback === 'function' ? callback : ignore);
          return view;
        };
      default:
        // touch, resetMaxAge
        return () => view;
    }
  },
  set(name: string): void {
    throw new SessError(
      'INVALID_VALUE',
      name === 'cookie'
        ? 'req.session.cookie: assign its maxAge, originalMaxAge or expires, not the object'
        : `req.session.${name}: part of the session API, not data`,
    );
  },
};

function ignore(): void {}
