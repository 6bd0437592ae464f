import { createServer } from 'node:http';
import { passportPrincipal } from '@sess/core';
import { session } from '@sess/koa';
import type Koa from 'koa';
import koaPassport from 'koa-passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { listening } from '../adapters/http-server.js';
import { PASSWORD, SECRET, type StartPassportApp, THIRTY_DAYS } from './passport-flow.js';

declare module '@sess/core' {
  interface SessionData {
    cart: string;
  }
}

type Body = Record<string, string>;

/** Reads an urlencoded form into `ctx.request.body`, as a body parser would (passport-local reads it). */
async function formBody(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  let text = '';
  for await (const chunk of ctx.req) text += String(chunk);
  (ctx.request as unknown as { body: Body }).body = Object.fromEntries(new URLSearchParams(text));
  await next();
}

/** The Passport app of `passport-flow.ts` on Koa (2 or 3) with koa-passport, as its README builds it. */
export function passportKoaApp(KoaApplication: new () => Koa): StartPassportApp {
  return async (store, extra) => {
    const passport = new koaPassport.KoaPassport();
    passport.use(
      new LocalStrategy((username, password, done) =>
        done(null, password === PASSWORD ? { id: username } : false),
      ),
    );
    passport.serializeUser((user, done) => done(null, (user as { id: string }).id));
    passport.deserializeUser((id: string, done) => done(null, { id }));

    const app = new KoaApplication();
    app.silent = true;
    app.use(formBody);
    app.use(session({ store, secrets: SECRET, principalFrom: passportPrincipal(), ...extra }));
    app.use(passport.initialize());
    app.use(passport.session());
    const user = (ctx: Koa.Context) => (ctx.state.user as { id: string } | undefined)?.id;
    const body = (ctx: Koa.Context) => (ctx.request as unknown as { body: Body }).body;
    app.use(async (ctx, next) => {
      const route = `${ctx.method} ${ctx.path}`;
      if (route === 'GET /me') {
        ctx.body = { user: user(ctx) ?? null, cart: ctx.session.cart ?? null };
      } else if (route === 'POST /cart') {
        ctx.session.cart = body(ctx).item;
        ctx.body = { ok: true };
      } else if (route === 'POST /login') {
        const keepSessionInfo = ctx.query.keep === '1';
        await passport.authenticate('local', { keepSessionInfo })(ctx, async () => {
          ctx.body = { user: user(ctx) };
        });
      } else if (route === 'POST /logout') {
        await ctx.logout();
        ctx.body = { ok: true };
      } else if (route === 'POST /remember') {
        ctx.session.maxAge = THIRTY_DAYS;
        ctx.body = { ok: true };
      } else if (route === 'POST /revoke-everywhere') {
        ctx.body = { ended: await ctx.session.revokeEverywhere() };
      } else {
        await next();
      }
    });
    return listening(createServer(app.callback()));
  };
}
