import { type HttpSessionOptions, SessError } from '@sess/core';
import {
  type CommitOutcome,
  commitHeaders,
  createHttpSessions,
  type HttpSessions,
  hasCommitHeaders,
  isHttpSessions,
  type SessionScope,
} from '@sess/core/adapter';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { FASTIFY_SESSION_DIALECT, type FastifySession } from './fastify-session-dialect.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session of this request (see `Session` in `@sess/core`), speaking @fastify/session too. */
    session: FastifySession;
  }
}

/** The plugin's options: the sessions' options, or an `HttpSessions` to share. */
export type FastifySessOptions = HttpSessionOptions | HttpSessions;

/**
 * Each request's lifecycle: a request property that Fastify declares on every request (a
 * WeakMap cost more per request in CPU profiles). A symbol, so it is nobody's name.
 * `request.session` reads it: after @fastify/session's `regenerate`, the scope hands out a new
 * session object, as @fastify/session does.
 */
const SCOPE = Symbol('sess.scope');
type ScopedRequest = FastifyRequest & { [SCOPE]: SessionScope | null };

/**
 * Options Fastify itself reads from every plugin's options (`register(plugin, { prefix })`);
 * they reach the plugin too, and are not the sessions' to check.
 */
const FASTIFY_REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

function sessionsOf(options: FastifySessOptions): HttpSessions {
  if (isHttpSessions(options)) return options;
  if (options === null || typeof options !== 'object') return createHttpSessions(options);
  const own = Object.fromEntries(
    Object.entries(options).filter(([key]) => !FASTIFY_REGISTER_OPTIONS.includes(key)),
  );
  return createHttpSessions(own as HttpSessionOptions);
}

const plugin: FastifyPluginAsync<FastifySessOptions> = async (app, options) => {
  const sessions = sessionsOf(options);
  // Declared up front so every request object has the same shape.
  app.decorateRequest(SCOPE as unknown as string, null);
  app.decorateRequest('session', {
    getter(this: FastifyRequest): FastifySession {
      return (this as ScopedRequest)[SCOPE]?.session as FastifySession;
    },
    setter(): void {
      throw new SessError(
        'INVALID_VALUE',
        'request.session cannot be replaced: end it with `request.session.destroy()`, or change its attributes',
      );
    },
  });

  // A callback hook, and sessions opened with callbacks: each promise on the way would cost
  // every request. A 503 `SessError` passed to `done` reaches Fastify's error handler.
  app.addHook('onRequest', (request, _reply, done) => {
    sessions.openRequestWith(
      request.raw,
      (scope) => {
        (request as ScopedRequest)[SCOPE] = scope;
        done();
      },
      // Whatever fails here is an Error (a `SessError`, or the port's); Fastify types `done` so.
      (error) => done(error as Error),
      FASTIFY_SESSION_DIALECT,
    );
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const scope = (request as ScopedRequest)[SCOPE];
    if (scope === null) return done(null, payload);
    // Most requests have nothing to write: their response goes on without waiting. The error
    // response that follows a failed commit comes through here again and gets no headers:
    // a scope commits once.
    const outcome = scope.commitAtOnce();
    if (outcome !== undefined) {
      addHeaders(reply, outcome);
      return done(null, payload);
    }
    scope.commit().then(
      (committed) => {
        addHeaders(reply, committed);
        done(null, payload);
      },
      (error: Error) => done(error),
    );
  });
};

/** `reply.header` appends to the cookies the app set. */
function addHeaders(reply: FastifyReply, outcome: CommitOutcome): void {
  if (hasCommitHeaders(outcome)) reply.headers(commitHeaders(outcome));
}

/**
 * The Fastify 5 plugin: `await app.register(sessPlugin, { store, secrets })`, then
 * `request.session` in every route. Loads in `onRequest`, commits in `onSend` (before the
 * headers go out); a 503 `SessError` (Redis unavailable, `onUnavailable: 'fail'`) goes through
 * Fastify's error handling.
 */
export const sessPlugin = fp(plugin, { fastify: '5.x', name: '@sess/fastify' });
