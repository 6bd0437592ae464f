import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { createClient } from 'redis';
import { OLD_MAX_AGE, OLD_PASSWORD, OLD_SECRET, type StartLegacyApp } from './legacy-app.js';

declare global {
  namespace Express {
    interface User {
      id: string;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    cart: string;
  }
}

/** express-session + connect-redis + Passport, as connect-redis' and Passport's READMEs set them up. */
export const start: StartLegacyApp = async (redisUrl) => {
  const client = createClient({ url: redisUrl });
  client.on('error', () => {});
  await client.connect();
  const authenticator = new passport.Passport();
  authenticator.use(
    new LocalStrategy((username, password, done) =>
      done(null, password === OLD_PASSWORD ? { id: username } : false),
    ),
  );
  authenticator.serializeUser((user, done) => done(null, user.id));
  authenticator.deserializeUser((id: string, done) => done(null, { id }));
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(
    session({
      store: new RedisStore({ client }),
      secret: OLD_SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: OLD_MAX_AGE, httpOnly: true, sameSite: 'lax' },
    }),
  );
  app.use(authenticator.session());
  app.get('/me', (req, res) => {
    res.json({ user: req.user?.id ?? null, cart: req.session.cart ?? null });
  });
  app.post('/cart', (req, res) => {
    req.session.cart = String(req.body.item);
    res.json({ ok: true });
  });
  app.post('/login', authenticator.authenticate('local'), (req, res) => {
    res.json({ user: req.user?.id });
  });
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await client.close();
    },
  };
};
