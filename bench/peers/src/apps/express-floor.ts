import { createServer } from 'node:http';
import express from 'express';
import { ROUTES, type StartApp } from '../app-contract.js';
import { closeServer, listenOnLoopback } from '../listen.js';
import { openReadFloor } from '../read-floor.js';

/** Express with one HGETALL per read and nothing else (see `read-floor.ts`). */
export const start: StartApp = async ({ redisUrl }) => {
  const floor = await openReadFloor(redisUrl);
  const app = express();
  app.get(ROUTES.read, (_req, res, next) => {
    floor.read().then((data) => res.json(data), next);
  });
  const server = createServer(app);
  const port = await listenOnLoopback(server);
  return {
    port,
    close: async () => {
      await closeServer(server);
      await floor.close();
    },
  };
};
