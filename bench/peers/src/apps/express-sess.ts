import { createSessionStore } from '@sess/core';
import { session } from '@sess/express';
import { createNodeRedisPort, type NodeRedisCacheOptions } from '@sess/node-redis';
import express from 'express';
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
 * Express with sess, as its README sets it up: default store options, a signing secret;
 * `cache`: the port's local cache of session reads (the `sess-cache` stack), or none. The
 * memory figure also runs it with `SESS_BENCH_ANONYMOUS_CREATED=1`: anonymous sessions'
 * creations written to the event stream too (`eventStream.anonymousCreated`).
 */
export function expressSessApp(cache: NodeRedisCacheOptions | false): StartApp {
  return async ({ redisUrl }) => {
    const port = await createNodeRedisPort({ url: redisUrl, cache });
    const store = createSessionStore(
      process.env.SESS_BENCH_ANONYMOUS_CREATED === '1'
        ? { port, eventStream: { anonymousCreated: true } }
        : { port },
    );
    const app = express();
    app.use(session({ store, secrets: [SECRET] }));
    app.get(ROUTES.anon, (req, res) => {
      res.json({ user: req.session.user ?? null });
    });
    app.get(ROUTES.read, (req, res) => {
      res.json({ user: req.session.user, theme: req.session.theme });
    });
    app.post(ROUTES.write, (req, res) => {
      const visits = (req.session.visits ?? 0) + 1;
      req.session.visits = visits;
      res.json({ visits });
    });
    app.post(ROUTES.signIn, async (req, res) => {
      await req.session.signIn(nextUser());
      res.json({ ok: true });
    });
    app.post(ROUTES.setup, (req, res) => {
      Object.assign(req.session, SESSION_ATTRIBUTES);
      res.json({ ok: true });
    });
    app.post(ROUTES.attr, (req, res) => {
      Reflect.set(req.session, String(req.query.name), 1);
      res.json({ ok: true });
    });
    app.get(ROUTES.names, (req, res) => {
      res.json(attributeNames(req.session));
    });
    return {
      ...closingAfter(
        await listenHttp(app),
        () => store.close(),
        () => port.close(),
      ),
      cacheStats: () => port.cacheStats(),
    };
  };
}

/** Express with sess, its port without a cache. */
export const start: StartApp = expressSessApp(false);
