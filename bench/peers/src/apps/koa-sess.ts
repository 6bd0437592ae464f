import { createSessionStore } from '@sess/core';
import { session } from '@sess/koa';
import { createNodeRedisPort } from '@sess/node-redis';
import Koa from 'koa';
import {
  attributeNames,
  nextUser,
  ROUTES,
  SECRET,
  SESSION_ATTRIBUTES,
  type StartApp,
} from '../app-contract.js';
import { closingAfter, listenHttp } from '../listen.js';
import '../types/sess-session-data.js';

/** Koa with sess, as its README sets it up: default store options, a signing secret. */
export const start: StartApp = async ({ redisUrl }) => {
  const port = await createNodeRedisPort({
    url: redisUrl,
    // A tracking check every 30 s rather than every second: under callgrind the server runs
    // far slower than the clock, and checks that cannot be answered in time drop the cache.
    cache: process.env.SESS_BENCH_CACHE === '1' && { heartbeat: 30_000 },
  });
  const store = createSessionStore({ port });
  const app = new Koa();
  app.use(session({ store, secrets: [SECRET] }));
  app.use(async (ctx) => {
    const route = `${ctx.method} ${ctx.path}`;
    if (route === `GET ${ROUTES.anon}`) ctx.body = { user: ctx.session.user ?? null };
    else if (route === `GET ${ROUTES.read}`) {
      ctx.body = { user: ctx.session.user, theme: ctx.session.theme };
    } else if (route === `POST ${ROUTES.write}`) {
      const visits = (ctx.session.visits ?? 0) + 1;
      ctx.session.visits = visits;
      ctx.body = { visits };
    } else if (route === `POST ${ROUTES.signIn}`) {
      await ctx.session.signIn(nextUser());
      ctx.body = { ok: true };
    } else if (route === `POST ${ROUTES.setup}`) {
      Object.assign(ctx.session, SESSION_ATTRIBUTES);
      ctx.body = { ok: true };
    } else if (route === `POST ${ROUTES.attr}`) {
      Reflect.set(ctx.session, String(ctx.query.name), 1);
      ctx.body = { ok: true };
    } else if (route === `GET ${ROUTES.names}`) ctx.body = attributeNames(ctx.session);
  });
  return closingAfter(
    await listenHttp(app.callback()),
    () => store.close(),
    () => port.close(),
  );
};
