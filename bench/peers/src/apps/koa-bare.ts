import Koa from 'koa';
import { ROUTES, type StartApp } from '../app-contract.js';
import { listenHttp } from '../listen.js';

/** Koa with no sessions: the ceiling the session stacks are measured against. */
export const start: StartApp = async () => {
  let visits = 0;
  const app = new Koa();
  app.use(async (ctx) => {
    const route = `${ctx.method} ${ctx.path}`;
    if (route === `GET ${ROUTES.anon}`) ctx.body = { user: null };
    else if (route === `GET ${ROUTES.read}`) ctx.body = { user: 'u1234567', theme: 'dark' };
    else if (route === `POST ${ROUTES.write}`) {
      visits += 1;
      ctx.body = { visits };
    } else if (route === `POST ${ROUTES.signIn}` || route === `POST ${ROUTES.setup}`) {
      ctx.body = { ok: true };
    }
  });
  return listenHttp(app.callback());
};
