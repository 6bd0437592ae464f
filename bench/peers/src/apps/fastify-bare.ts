import Fastify from 'fastify';
import { ROUTES, type StartApp } from '../app-contract.js';
import { listenFastify } from '../listen-fastify.js';

/** Fastify with no sessions: the ceiling the session stacks are measured against. */
export const start: StartApp = async () => {
  let visits = 0;
  const app = Fastify();
  app.get(ROUTES.anon, async () => ({ user: null }));
  app.get(ROUTES.read, async () => ({ user: 'u1234567', theme: 'dark' }));
  app.post(ROUTES.write, async () => {
    visits += 1;
    return { visits };
  });
  app.post(ROUTES.signIn, async () => ({ ok: true }));
  app.post(ROUTES.setup, async () => ({ ok: true }));
  return listenFastify(app);
};
