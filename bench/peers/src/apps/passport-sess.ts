import { createSessionStore, passportPrincipal } from '@sess/core';
import { session } from '@sess/express';
import { createNodeRedisPort } from '@sess/node-redis';
import express from 'express';
import passport from 'passport';
import { SECRET, SESSION_ATTRIBUTES, type StartApp } from '../app-contract.js';
import { closingAfter, listenHttp } from '../listen.js';
import '../types/sess-session-data.js';
import { passportRoutes } from './passport-routes.js';

/**
 * Express with Passport on sess: `passport.session()` and `req.login` unchanged, on
 * `@sess/express` with `principalFrom: passportPrincipal()`, so each login is one sess sign-in
 * (a new id, the principal recorded and indexed), default store options otherwise.
 */
export const start: StartApp = async ({ redisUrl }) => {
  const port = await createNodeRedisPort({ url: redisUrl });
  const store = createSessionStore({ port });
  const app = express();
  app.use(session({ store, secrets: [SECRET], principalFrom: passportPrincipal() }));
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
  return closingAfter(
    await listenHttp(app),
    () => store.close(),
    () => port.close(),
  );
};
