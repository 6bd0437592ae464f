import Koa from 'koa';
import redisStore from 'koa-redis';
import session from 'koa-session';
import {
  attributeNames,
  nextUser,
  ROUTES,
  SECRET,
  SESSION_ATTRIBUTES,
  type StartApp,
} from '../app-contract.js';
import { closingAfter, listenHttp } from '../listen.js';

/** The part of koa-session's `ctx.session` the app uses (koa-session does not type `ctx`). */
interface KoaSession {
  user?: string;
  theme?: string;
  visits?: number;
  regenerate(): Promise<void> | undefined;
  toJSON(): Record<string, unknown>;
}

/**
 * koa-session with koa-redis as its store (ioredis underneath), the README's options at their
 * defaults (signed cookies with `app.keys`, `rolling: false`, one-day `maxAge`) plus
 * `SameSite=Lax`, the attribute sess' cookie carries.
 */
export const start: StartApp = async ({ redisUrl }) => {
  const store = redisStore({ url: redisUrl });
  const app = new Koa();
  app.keys = [SECRET];
  app.use(session({ store, sameSite: 'lax' }, app));
  app.use(async (ctx) => {
    const data = ctx.session as KoaSession | null;
    if (data === null) throw new Error('koa-session gave no session');
    const route = `${ctx.method} ${ctx.path}`;
    if (route === `GET ${ROUTES.anon}`) ctx.body = { user: data.user ?? null };
    else if (route === `GET ${ROUTES.read}`) ctx.body = { user: data.user, theme: data.theme };
    else if (route === `POST ${ROUTES.write}`) {
      const visits = (data.visits ?? 0) + 1;
      data.visits = visits;
      ctx.body = { visits };
    } else if (route === `POST ${ROUTES.signIn}`) {
      // koa-session's regenerate (a new external key against fixation), then record the user.
      await data.regenerate();
      data.user = nextUser();
      ctx.body = { ok: true };
    } else if (route === `POST ${ROUTES.setup}`) {
      Object.assign(data, SESSION_ATTRIBUTES);
      ctx.body = { ok: true };
    } else if (route === `POST ${ROUTES.attr}`) {
      Reflect.set(data, String(ctx.query.name), 1);
      ctx.body = { ok: true };
    } else if (route === `GET ${ROUTES.names}`) ctx.body = attributeNames(data.toJSON());
  });
  return closingAfter(await listenHttp(app.callback()), () => store.client.quit());
};
