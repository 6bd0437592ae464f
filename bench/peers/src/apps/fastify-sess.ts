import { createSessionStore } from '@sess/core';
import { sessPlugin } from '@sess/fastify';
import { createNodeRedisPort } from '@sess/node-redis';
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

/** Fastify with sess, as its README sets it up: default store options, a signing secret. */
export const start: StartApp = async ({ redisUrl }) => {
  const port = await createNodeRedisPort({
    url: redisUrl,
    // A tracking check every 30 s rather than every second: under callgrind the server runs
    // far slower than the clock, and checks that cannot be answered in time drop the cache.
    cache: process.env.SESS_BENCH_CACHE === '1' && { heartbeat: 30_000 },
  });
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
  return closingAfter(
    await listenFastify(app),
    () => store.close(),
    () => port.close(),
  );
};
