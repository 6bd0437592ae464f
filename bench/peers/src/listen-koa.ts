import { createServer } from 'node:http';
import type Koa from 'koa';
import type { RunningApp } from './app-contract.js';
import { closeServer, listenOnLoopback } from './listen.js';

/** Serves a Koa app on a free loopback port. */
export async function listenKoa(app: Koa): Promise<RunningApp> {
  const server = createServer(app.callback());
  const port = await listenOnLoopback(server);
  return { port, close: () => closeServer(server) };
}
