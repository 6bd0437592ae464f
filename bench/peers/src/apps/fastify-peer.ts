import { fastifyCookie } from '@fastify/cookie';
import { fastifySession } from '@fastify/session';
import { RedisStore } from 'connect-redis';
import Fastify from 'fastify';
import { createClient } from 'redis';
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

declare module 'fastify' {
  interface Session {
    user: string;
    role: string;
    locale: string;
    theme: string;
    visits: number;
  }
}

/**
 * @fastify/session + @fastify/cookie on connect-redis (the Redis store @fastify/session's README
 * points to: it takes express-session stores), `saveUninitialized: false`, other options at
 * their defaults (`rolling: true`). The cookie carries the same attributes as sess' (HttpOnly,
 * SameSite=Lax, Secure on HTTPS only).
 */
export const start: StartApp = async ({ redisUrl }) => {
  const client = createClient({ url: redisUrl });
  client.on('error', () => {});
  await client.connect();
  const app = Fastify();
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: SECRET,
    store: new RedisStore({ client }),
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' },
  });
  app.get(ROUTES.anon, async (request) => ({ user: request.session.get('user') ?? null }));
  app.get(ROUTES.read, async (request) => ({
    user: request.session.get('user'),
    theme: request.session.get('theme'),
  }));
  app.post(ROUTES.write, async (request) => {
    const visits = (request.session.get('visits') ?? 0) + 1;
    request.session.set('visits', visits);
    return { visits };
  });
  // The README's regenerate, then record the user.
  app.post(ROUTES.signIn, async (request) => {
    await request.session.regenerate();
    request.session.set('user', nextUser());
    return { ok: true };
  });
  app.post(ROUTES.setup, async (request) => {
    for (const [name, value] of Object.entries(SESSION_ATTRIBUTES)) {
      Reflect.set(request.session, name, value);
    }
    return { ok: true };
  });
  app.post<{ Querystring: { name: string } }>(ROUTES.attr, async (request) => {
    Reflect.set(request.session, request.query.name, 1);
    return { ok: true };
  });
  app.get(ROUTES.names, async (request) => attributeNames(request.session));
  return closingAfter(await listenFastify(app), () => client.close());
};
