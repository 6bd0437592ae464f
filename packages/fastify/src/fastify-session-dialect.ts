import { type RegenerateSessionOptions, SessError, type Session } from '@sess/core';
import {
  callBack,
  callBackOrReturn,
  type NodeCallback,
  type SessionBackend,
  SessionCookieView,
  type SessionDialect,
} from '@sess/core/adapter';

/**
 * What @fastify/session gives `request.session` besides data, on sess' session: the surface
 * @fastify/passport, @fastify/csrf-protection and @fastify/flash use
 * (docs/integrations/express-session-api.md). Each method takes a callback or, without one,
 * returns a promise, as there.
 */
export interface FastifySessionSurface {
  /** The cookie as @fastify/session describes it (see `SessionCookieView`). */
  readonly cookie: SessionCookieView;
  /** The session's id; an anonymous request gets one, saved once something is written. */
  readonly sessionId: string;
  /** An attribute (`request.session.name` reads the same). */
  get(name: string): unknown;
  /** Sets an attribute; `undefined` removes it (`request.session.name = value` does the same). */
  set(name: string, value: unknown): void;
  /**
   * @fastify/session's `regenerate(keep?, cb?)`: a new session keeping only the `keep`
   * attributes. The id changes when the response goes out, in one move with the sign-in
   * `principalFrom` finds in the data written meanwhile. Without arguments this is sess'
   * `regenerate()`: a new id at once, every attribute kept.
   */
  regenerate(keep: readonly string[], callback?: NodeCallback): Promise<void>;
  regenerate(callback: NodeCallback): void;
  /** `signOut()`, with a callback. */
  destroy(callback: NodeCallback): void;
  /**
   * Nothing to do before the response: the session is written when it goes out. After that
   * (a streamed response), writes now.
   */
  save(callback?: NodeCallback): Promise<void>;
  /** Drops this request's changes and reads the session again; an error if it has ended. */
  reload(callback?: NodeCallback): Promise<void>;
  /** Nothing to do: sess extends the expiry itself, at most once per `touchInterval`. */
  touch(): void;
  /** Ends the session, as @fastify/secure-session's `delete()`: `signOut()` when the response goes out. */
  delete(): void;
}

/** `request.session` of `@sess/fastify`: sess' session, speaking @fastify/session too. */
export type FastifySession = Session & FastifySessionSurface;

const NAMES: ReadonlySet<string> = new Set([
  'cookie',
  'sessionId',
  'get',
  'set',
  'regenerate',
  'destroy',
  'save',
  'reload',
  'touch',
  'delete',
]);

/** @fastify/session's vocabulary on sess' views (see `FastifySessionSurface`). */
export const FASTIFY_SESSION_DIALECT: SessionDialect = {
  names: NAMES,
  get(name: string, backend: SessionBackend, view: Session): unknown {
    const data = view as unknown as Record<string, unknown>;
    switch (name) {
      case 'cookie':
        return new SessionCookieView(backend, 'request.session.cookie');
      case 'sessionId':
        return backend.compat.ensureId();
      case 'get':
        return (key: string) => data[key];
      case 'set':
        return (key: string, value: unknown) => {
          data[key] = value;
        };
      case 'regenerate':
        return (
          keep?: readonly string[] | NodeCallback | RegenerateSessionOptions,
          callback?: NodeCallback,
        ) => {
          if (Array.isArray(keep)) {
            return callBackOrReturn(backend.compat.regenerateAtCommit(keep, true), callback);
          }
          if (typeof keep === 'function') {
            callBack(backend.compat.regenerateAtCommit('none', true), keep);
            return undefined;
          }
          return backend.regenerate(keep as RegenerateSessionOptions | undefined);
        };
      case 'destroy':
        return (callback?: NodeCallback) => callBackOrReturn(backend.signOut(), callback);
      case 'save':
        return (callback?: NodeCallback) => callBackOrReturn(backend.compat.save(), callback);
      case 'reload':
        return (callback?: NodeCallback) => callBackOrReturn(backend.compat.reload(), callback);
      case 'delete':
        return (...rest: unknown[]) => {
          if (rest.length > 0) {
            throw new SessError(
              'INVALID_VALUE',
              'request.session.delete() ends the whole session; to remove one attribute, `request.session.set(name, undefined)`',
            );
          }
          // The commit waits for it; its failure is the commit's.
          backend.signOut().catch(() => {});
        };
      default:
        // touch
        return () => undefined;
    }
  },
  set(name: string): void {
    throw new SessError(
      'INVALID_VALUE',
      name === 'cookie'
        ? 'request.session.cookie: assign its maxAge, originalMaxAge or expires, not the object'
        : `request.session.${name}: part of the session API, not data`,
    );
  },
};
