import express from 'express';
import { ROUTES, type StartApp } from '../app-contract.js';
import { closingAfter, listenHttp } from '../listen.js';
import { openReadFloor } from '../read-floor.js';

/** Express with one HGETALL per read and nothing else (see `read-floor.ts`). */
export const start: StartApp = async ({ redisUrl }) => {
  const floor = await openReadFloor(redisUrl);
  const app = express();
  app.get(ROUTES.read, (_req, res, next) => {
    floor.read().then((data) => res.json(data), next);
  });
  return closingAfter(await listenHttp(app), () => floor.close());
};
