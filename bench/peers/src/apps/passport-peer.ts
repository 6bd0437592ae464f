import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { createClient } from 'redis';
import { SECRET, SESSION_ATTRIBUTES, type StartApp } from '../app-contract.js';
import { closingAfter, listenHttp } from '../listen.js';
import { passportRoutes } from './passport-routes.js';

declare module 'express-session' {
  interface SessionData {
    user: string;
    role: string;
    locale: string;
    theme: string;
    visits: number;
    passport: { user: string };
  }
}

/**
 * Express with Passport on express-session + connect-redis, as Passport's and connect-redis'
 * READMEs set them up: a node-redis client, `resave: false`, `saveUninitialized: false`, a
 * secret; the same cookie attributes as sess'.
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
  passportRoutes(app, new passport.Passport(), {
    setup: (req) => {
      Object.assign(req.session, SESSION_ATTRIBUTES);
      req.session.passport = { user: SESSION_ATTRIBUTES.user };
    },
    theme: (req) => req.session.theme,
    write: (req) => {
      const visits = (req.session.visits ?? 0) + 1;
      req.session.visits = visits;
      return visits;
    },
    attribute: (req, name) => {
      Reflect.set(req.session, name, 1);
    },
    data: (req) => req.session,
  });
  return closingAfter(await listenHttp(app), () => client.close());
};
