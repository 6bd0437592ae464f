import { createServer } from 'node:http';
import { session } from '@sess/koa';
import type Koa from 'koa';
import type { StartApp } from './adapter-suite.js';
import { listening } from './http-server.js';

/** The suite's app on a Koa application (2 or 3: the same code runs on both). */
export function koaApp(KoaApplication: new () => Koa): StartApp {
  return async (options, routes) => {
    const app = new KoaApplication();
    app.silent = true; // the 503s are expected; keep the test output clean
    app.use(session(options));
    app.use(async (ctx) => {
      const route = routes[ctx.path];
      if (route === undefined) return; // Koa answers 404
      ctx.body = await route(ctx.session, new URLSearchParams(ctx.querystring));
    });
    return listening(createServer(app.callback()));
  };
}
