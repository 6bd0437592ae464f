import Fastify from 'fastify';
import { ROUTES, type StartApp } from '../app-contract.js';
import { closingAfter } from '../listen.js';
import { listenFastify } from '../listen-fastify.js';
import { openReadFloor } from '../read-floor.js';

/** Fastify with one HGETALL per read and nothing else (see `read-floor.ts`). */
export const start: StartApp = async ({ redisUrl }) => {
  const floor = await openReadFloor(redisUrl);
  const app = Fastify();
  app.get(ROUTES.read, () => floor.read());
  return closingAfter(await listenFastify(app), () => floor.close());
};
