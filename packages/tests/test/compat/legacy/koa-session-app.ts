import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import Koa from 'koa';
import koaPassport from 'koa-passport';
import redisStore from 'koa-redis';
import koaSession from 'koa-session';
import { Strategy as LocalStrategy } from 'passport-local';
import { OLD_KEYS, OLD_MAX_AGE, OLD_PASSWORD, type StartLegacyApp } from './legacy-app.js';

type Body = Record<string, string>;

/** koa-session + koa-redis + koa-passport, as their READMEs set them up. */
export const start: StartLegacyApp = async (redisUrl) => {
  const client = new Redis(redisUrl);
  const passport = new koaPassport.KoaPassport();
  passport.use(
    new LocalStrategy((username, password, done) =>
      done(null, password === OLD_PASSWORD ? { id: username } : false),
    ),
  );
  passport.serializeUser((user, done) => done(null, (user as { id: string }).id));
  passport.deserializeUser((id: string, done) => done(null, { id }));
  const app = new Koa();
  app.keys = OLD_KEYS;
  app.silent = true;
  app.use(async (ctx, next) => {
    let text = '';
    for await (const chunk of ctx.req) text += String(chunk);
    (ctx.request as unknown as { body: Body }).body = Object.fromEntries(new URLSearchParams(text));
    await next();
  });
  app.use(koaSession({ store: redisStore({ client }), maxAge: OLD_MAX_AGE }, app));
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(async (ctx, next) => {
    const route = `${ctx.method} ${ctx.path}`;
    const session = ctx.session as unknown as Record<string, unknown>;
    if (route === 'GET /me') {
      ctx.body = {
        user: (ctx.state.user as { id: string } | undefined)?.id ?? null,
        cart: session.cart ?? null,
      };
    } else if (route === 'POST /cart') {
      session.cart = (ctx.request as unknown as { body: Body }).body.item;
      ctx.body = { ok: true };
    } else if (route === 'POST /login') {
      await passport.authenticate('local')(ctx, async () => {
        ctx.body = { user: (ctx.state.user as { id: string }).id };
      });
    } else {
      await next();
    }
  });
  const server = createServer(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await client.quit();
    },
  };
};
