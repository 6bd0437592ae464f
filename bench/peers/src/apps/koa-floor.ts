import Koa from 'koa';
import { ROUTES, type StartApp } from '../app-contract.js';
import { closingAfter, listenHttp } from '../listen.js';
import { openReadFloor } from '../read-floor.js';

/** Koa with one HGETALL per read and nothing else (see `read-floor.ts`). */
export const start: StartApp = async ({ redisUrl }) => {
  const floor = await openReadFloor(redisUrl);
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method === 'GET' && ctx.path === ROUTES.read) ctx.body = await floor.read();
  });
  return closingAfter(await listenHttp(app.callback()), () => floor.close());
};
