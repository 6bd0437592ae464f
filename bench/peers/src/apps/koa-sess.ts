import { createSessionStore } from '@sess/core';
import { session } from '@sess/koa';
import { createNodeRedisPort, type NodeRedisCacheOptions } from '@sess/node-redis';
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

/**
 * Koa with sess, as its README sets it up: default store options, a signing secret; `cache`:
 * the port's local cache of session reads (the `sess-cache` stack), or none.
 */
export function koaSessApp(cache: NodeRedisCacheOptions | false): StartApp {
  return async ({ redisUrl }) => {
    const port = await createNodeRedisPort({ url: redisUrl, cache });
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
    return {
      ...closingAfter(
        await listenHttp(app.callback()),
        () => store.close(),
        () => port.close(),
      ),
      cacheStats: () => port.cacheStats(),
    };
  };
}

/** Koa with sess, its port without a cache. */
export const start: StartApp = koaSessApp(false);
