import { createServer } from 'node:http';
import { passportPrincipal } from '@sess/core';
import { session } from '@sess/express';
import {
  type Express as ExpressApp,
  type NextFunction,
  type Request,
  type Response,
  urlencoded,
} from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { listening } from '../adapters/http-server.js';
import { PASSWORD, SECRET, type StartPassportApp, THIRTY_DAYS } from './passport-flow.js';

declare global {
  namespace Express {
    interface User {
      id: string;
    }
  }
}

declare module '@sess/core' {
  interface SessionData {
    cart: string;
  }
}

/** The Passport app of `passport-flow.ts` on Express (4 or 5), as Passport's docs build it. */
export function passportExpressApp(express: () => ExpressApp): StartPassportApp {
  return async (store, extra) => {
    const authenticator = new passport.Passport();
    authenticator.use(
      new LocalStrategy((username, password, done) =>
        done(null, password === PASSWORD ? { id: username } : false),
      ),
    );
    authenticator.serializeUser((user, done) => done(null, user.id));
    authenticator.deserializeUser((id: string, done) => done(null, { id }));

    const app = express();
    // express.urlencoded of Express 5 (body-parser) parses the form on either major.
    app.use(urlencoded({ extended: false }));
    app.use(session({ store, secrets: SECRET, principalFrom: passportPrincipal(), ...extra }));
    app.use(authenticator.initialize());
    app.use(authenticator.session());
    app.get('/me', (req, res) => {
      res.json({ user: req.user?.id ?? null, cart: req.session.cart ?? null });
    });
    app.post('/cart', (req, res) => {
      req.session.cart = String(req.body.item);
      res.json({ ok: true });
    });
    app.post(
      '/login',
      (req: Request, res: Response, next: NextFunction) =>
        authenticator.authenticate('local', { keepSessionInfo: req.query.keep === '1' })(
          req,
          res,
          next,
        ),
      (req, res) => {
        res.json({ user: req.user?.id });
      },
    );
    app.post('/logout', (req, res, next) => {
      req.logout((error) => (error ? next(error) : res.json({ ok: true })));
    });
    app.post('/remember', (req, res) => {
      req.session.cookie.maxAge = THIRTY_DAYS;
      res.json({ ok: true });
    });
    app.post('/revoke-everywhere', (req, res, next) => {
      req.session.revokeEverywhere().then((ended) => res.json({ ended }), next);
    });
    return listening(createServer(app));
  };
}
