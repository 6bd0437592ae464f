import { type RegenerateSessionOptions, SessError, type Session } from '@sess/core';
import {
  callBack,
  callBackOrReturn,
  type NodeCallback,
  type SessionBackend,
  type SessionDialect,
} from '@sess/core/adapter';

/**
 * What koa-session gives `ctx.session` besides data, on sess' session: the surface koa-passport
 * and most Koa code use (docs/integrations/express-session-api.md). `ctx.session = null` ends
 * the session, as in koa-session.
 */
export interface KoaSessionSurface {
  /**
   * koa-session's `maxAge`: the idle timeout of the session's lifetime policy (ms), or
   * `'session'` for a cookie that ends with the browser. Assigning one moves the session to
   * the lifetime policy that value stands for.
   */
  maxAge: number | 'session';
  /**
   * Nothing to do before the response: the session is written when it goes out. After that,
   * writes now. A callback or, without one, a promise.
   */
  save(callback?: NodeCallback): Promise<void> | undefined;
  /**
   * koa-session's `regenerate(cb)`: the same data under a new id. The id changes when the
   * response goes out, in one move with the sign-in `principalFrom` finds in the data written
   * meanwhile. Without a callback this is sess' `regenerate()`: a new id at once.
   */
  regenerate(callback: NodeCallback): void;
}

/** `ctx.session` of `@sess/koa`: sess' session, speaking koa-session too. */
export type KoaSession = Session & KoaSessionSurface;

const NAMES: ReadonlySet<string> = new Set(['maxAge', 'save', 'regenerate']);

/** koa-session's vocabulary on sess' views (see `KoaSessionSurface`). */
export const KOA_SESSION_DIALECT: SessionDialect = {
  names: NAMES,
  get(name: string, backend: SessionBackend): unknown {
    switch (name) {
      case 'maxAge': {
        const facts = backend.compat.cookieFacts();
        return facts.persistent ? facts.idleTimeout : 'session';
      }
      case 'save':
        return (callback?: NodeCallback) => callBackOrReturn(backend.compat.save(), callback);
      default:
        // regenerate
        return (options?: NodeCallback | RegenerateSessionOptions) => {
          if (typeof options !== 'function') return backend.regenerate(options);
          callBack(backend.compat.regenerateAtCommit('all', false), options);
          return undefined;
        };
    }
  },
  set(name: string, value: unknown, backend: SessionBackend): void {
    if (name !== 'maxAge') {
      throw new SessError(
        'INVALID_VALUE',
        `ctx.session.${name}: part of the session API, not data`,
      );
    }
    backend.compat.setCookieMaxAge(
      value === 'session' ? null : (value as number),
      'ctx.session.maxAge',
    );
  },
};
