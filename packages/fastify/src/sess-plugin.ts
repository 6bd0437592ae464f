import { type HttpSessionOptions, HttpSessions, type Session, type SessionScope } from '@sess/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session of this request (see `Session` in `@sess/core`). */
    session: Session;
  }
}

/** The plugin's options: the sessions' options, or an `HttpSessions` to share. */
export type FastifySessOptions = HttpSessionOptions | HttpSessions;

/** Each request's lifecycle, from its `onRequest` to its (first) `onSend`. */
const scopes = new WeakMap<FastifyRequest, SessionScope>();

const plugin: FastifyPluginAsync<FastifySessOptions> = async (app, options) => {
  const sessions = options instanceof HttpSessions ? options : new HttpSessions(options);
  // Declared up front so every request object has the same shape.
  app.decorateRequest('session', null as unknown as Session);

  app.addHook('onRequest', async (request) => {
    // A 503 `SessError` thrown here reaches Fastify's error handler like any other.
    const scope = await sessions.openRequest(request.raw);
    scopes.set(request, scope);
    request.session = scope.session;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const scope = scopes.get(request);
    // The error response that follows a failed commit comes through here again: pass it on.
    if (scope === undefined) return payload;
    scopes.delete(request);
    const outcome = await scope.commit();
    if (outcome.setCookie.length > 0) reply.header('set-cookie', outcome.setCookie);
    if (outcome.cacheControl !== undefined) reply.header('cache-control', outcome.cacheControl);
    return payload;
  });
};

/**
 * The Fastify 5 plugin: `await app.register(sessPlugin, { store, secrets })`, then
 * `request.session` in every route. Loads in `onRequest`, commits in `onSend` (before the
 * headers go out); a 503 `SessError` (Redis unavailable, `onUnavailable: 'fail'`) goes through
 * Fastify's error handling.
 */
export const sessPlugin = fp(plugin, { fastify: '5.x', name: '@sess/fastify' });
