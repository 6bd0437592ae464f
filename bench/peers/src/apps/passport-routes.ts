import type { Express as ExpressApp, Request } from 'express';
import type { PassportStatic } from 'passport';
import { attributeNames, nextUser, ROUTES } from '../app-contract.js';

declare global {
  namespace Express {
    interface User {
      id: string;
    }
  }
}

/** An instance of `new passport.Passport()`, one per app. */
type PassportInstance = InstanceType<PassportStatic['Passport']>;

/** What the Passport apps do with their session library's `req.session`, each its own way. */
export interface PassportSessionAccess {
  /** Writes the five attributes and Passport's `passport.user` (a signed-in session). */
  setup(req: Request): void;
  theme(req: Request): unknown;
  /** Increments `visits`, returning it. */
  write(req: Request): number;
  attribute(req: Request, name: string): void;
  data(req: Request): object;
}

/**
 * The routes of `app-contract.ts` on Express with Passport, the same for both session
 * libraries: `passport.session()` turns `passport.user` into `req.user` on every request with
 * a session, and the sign-in is Passport's `req.login` (what `passport.authenticate` calls once
 * a strategy has verified the password), which regenerates the session and saves it.
 */
export function passportRoutes(
  app: ExpressApp,
  passport: PassportInstance,
  access: PassportSessionAccess,
): void {
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((id: string, done) => done(null, { id }));
  app.use(passport.session());
  app.get(ROUTES.anon, (req, res) => {
    res.json({ user: req.user?.id ?? null });
  });
  app.get(ROUTES.read, (req, res) => {
    res.json({ user: req.user?.id, theme: access.theme(req) });
  });
  app.post(ROUTES.write, (req, res) => {
    res.json({ visits: access.write(req) });
  });
  app.post(ROUTES.signIn, (req, res, next) => {
    req.login({ id: nextUser() }, (error) => (error ? next(error) : res.json({ ok: true })));
  });
  app.post(ROUTES.setup, (req, res) => {
    access.setup(req);
    res.json({ ok: true });
  });
  app.post(ROUTES.attr, (req, res) => {
    access.attribute(req, String(req.query.name));
    res.json({ ok: true });
  });
  app.get(ROUTES.names, (req, res) => {
    res.json(attributeNames(access.data(req)));
  });
}
