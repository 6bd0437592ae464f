import type { HttpSessionOptions } from '@sess/core';
import {
  applyCommitHeaders,
  type CommitOutcome,
  commitHeaders,
  createHttpSessions,
  type HttpSessions,
  hasCommitHeaders,
  isHttpSessions,
  type SessionScope,
} from '@sess/core/adapter';
import type { Middleware } from 'koa';
import { defineContextSession, SCOPE, type ScopedContext } from './context-session.js';
import { KOA_SESSION_DIALECT, type KoaSession } from './koa-session-dialect.js';

declare module 'koa' {
  interface DefaultContext {
    /** The session of this request (see `Session` in `@sess/core`), speaking koa-session too. */
    get session(): KoaSession;
    /**
     * koa-session's assignments: `null` ends the session (signed out when the response goes
     * out); an object replaces its data.
     */
    set session(value: KoaSession | Readonly<Record<string, unknown>> | null);
  }
}

/**
 * Koa 2 and 3 middleware: `app.use(session({ store, secrets }))`, then `ctx.session`. Commits
 * after the downstream middleware, before Koa writes the response. A 503 `SessError` (Redis
 * unavailable, `onUnavailable: 'fail'`) is thrown into Koa's error handling.
 */
export function session(options: HttpSessionOptions | HttpSessions): Middleware {
  const sessions = isHttpSessions(options) ? options : createHttpSessions(options);
  return async function sessSession(ctx, next) {
    // A request without a session cookie opens at once: no promise to wait for.
    const opening = sessions.openRequestNow(ctx.req, KOA_SESSION_DIALECT);
    const scope = opening instanceof Promise ? await opening : opening;
    (ctx as unknown as ScopedContext)[SCOPE] = scope;
    defineContextSession(ctx);
    try {
      await next();
    } catch (error) {
      await commitOnError(scope, error);
      throw error;
    }
    applyCommitHeaders(ctx.res, scope.commitAtOnce() ?? (await scope.commit()));
  };
}

/**
 * Error responses commit too, as in Express and Fastify. Koa builds them from scratch
 * (dropping every header set so far) plus `err.headers`, so the cookie travels there. The
 * app's error wins over one of the commit.
 */
async function commitOnError(scope: SessionScope, error: unknown): Promise<void> {
  let outcome: CommitOutcome;
  try {
    outcome = await scope.commit();
  } catch {
    return;
  }
  if (!hasCommitHeaders(outcome) || error === null || typeof error !== 'object') return;
  const carrier = error as { headers?: Record<string, string | string[]> };
  const headers = { ...carrier.headers };
  const added = commitHeaders(outcome);
  const existing = Object.entries(headers).find(([name]) => name.toLowerCase() === 'set-cookie');
  if (existing !== undefined) {
    delete headers[existing[0]];
    added['Set-Cookie'] = [...[existing[1]].flat(), ...outcome.setCookie];
  }
  try {
    carrier.headers = { ...headers, ...added };
  } catch {
    // A frozen error keeps its headers.
  }
}
