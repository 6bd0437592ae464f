import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import { createClient } from 'redis';
import {
  attributeNames,
  nextUser,
  ROUTES,
  SECRET,
  SESSION_ATTRIBUTES,
  type StartApp,
} from '../app-contract.js';
import { closingAfter, listenHttp } from '../listen.js';

declare module 'express-session' {
  interface SessionData {
    user: string;
    role: string;
    locale: string;
    theme: string;
    visits: number;
  }
}

/**
 * express-session + connect-redis as connect-redis' README sets them up for production: a
 * node-redis client, `resave: false`, `saveUninitialized: false`, a secret. The cookie carries
 * the same attributes as sess' (HttpOnly, SameSite=Lax, Secure on HTTPS only).
 */
export const start: StartApp = async ({ redisUrl }) => {
  const client = createClient({ url: redisUrl });
  client.on('error', () => {});
  await client.connect();
  const app = express();
  app.use(
    session({
      store: new RedisStore({ client }),
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' },
    }),
  );
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
  // express-session's README: regenerate against fixation, then record the user.
  app.post(ROUTES.signIn, (req, res, next) => {
    req.session.regenerate((error) => {
      if (error) {
        next(error);
        return;
      }
      req.session.user = nextUser();
      res.json({ ok: true });
    });
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
  return closingAfter(await listenHttp(app), () => client.close());
};
