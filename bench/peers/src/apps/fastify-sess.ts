import { createSessionStore } from '@sess/core';
import { sessPlugin } from '@sess/fastify';
import { createNodeRedisPort, type NodeRedisCacheOptions } from '@sess/node-redis';
import Fastify from 'fastify';
import {
  attributeNames,
  nextUser,
  ROUTES,
  SECRET,
  SESSION_ATTRIBUTES,
  type StartApp,
} from '../app-contract.js';
import { closingAfter } from '../listen.js';
import { listenFastify } from '../listen-fastify.js';
import '../types/sess-session-data.js';

/**
 * Fastify with sess, as its README sets it up: default store options, a signing secret;
 * `cache`: the port's local cache of session reads (the `sess-cache` stack), or none.
 */
export function fastifySessApp(cache: NodeRedisCacheOptions | false): StartApp {
  return async ({ redisUrl }) => {
    const port = await createNodeRedisPort({ url: redisUrl, cache });
    const store = createSessionStore({ port });
    const app = Fastify();
    await app.register(sessPlugin, { store, secrets: [SECRET] });
    app.get(ROUTES.anon, async (request) => ({ user: request.session.user ?? null }));
    app.get(ROUTES.read, async (request) => ({
      user: request.session.user,
      theme: request.session.theme,
    }));
    app.post(ROUTES.write, async (request) => {
      const visits = (request.session.visits ?? 0) + 1;
      request.session.visits = visits;
      return { visits };
    });
    app.post(ROUTES.signIn, async (request) => {
      await request.session.signIn(nextUser());
      return { ok: true };
    });
    app.post(ROUTES.setup, async (request) => {
      Object.assign(request.session, SESSION_ATTRIBUTES);
      return { ok: true };
    });
    app.post<{ Querystring: { name: string } }>(ROUTES.attr, async (request) => {
      Reflect.set(request.session, request.query.name, 1);
      return { ok: true };
    });
    app.get(ROUTES.names, async (request) => attributeNames(request.session));
    return {
      ...closingAfter(
        await listenFastify(app),
        () => store.close(),
        () => port.close(),
      ),
      cacheStats: () => port.cacheStats(),
    };
  };
}

/** Fastify with sess, its port without a cache. */
export const start: StartApp = fastifySessApp(false);
