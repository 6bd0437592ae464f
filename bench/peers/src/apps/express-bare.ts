import express from 'express';
import { ROUTES, type StartApp } from '../app-contract.js';
import { listenHttp } from '../listen.js';

/** Express with no sessions: the ceiling the session stacks are measured against. */
export const start: StartApp = async () => {
  let visits = 0;
  const app = express();
  app.get(ROUTES.anon, (_req, res) => {
    res.json({ user: null });
  });
  app.get(ROUTES.read, (_req, res) => {
    res.json({ user: 'u1234567', theme: 'dark' });
  });
  app.post(ROUTES.write, (_req, res) => {
    visits += 1;
    res.json({ visits });
  });
  app.post(ROUTES.signIn, (_req, res) => {
    res.json({ ok: true });
  });
  app.post(ROUTES.setup, (_req, res) => {
    res.json({ ok: true });
  });
  return listenHttp(app);
};
