import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningApp } from './app-contract.js';

/** Listens on a free loopback port and resolves with it. */
export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a server, cutting idle keep-alive connections the load generator left behind. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Serves a Node request listener (an Express app, Koa's `app.callback()`) on a free loopback port. */
export async function listenHttp(listener: RequestListener): Promise<RunningApp> {
  const server = createServer(listener);
  const port = await listenOnLoopback(server);
  return { port, close: () => closeServer(server) };
}

/** `running`, whose `close` then closes what the app opened, in order (its Redis clients). */
export function closingAfter(
  running: RunningApp,
  ...closers: ReadonlyArray<() => Promise<unknown>>
): RunningApp {
  return {
    port: running.port,
    close: async () => {
      await running.close();
      for (const close of closers) await close();
    },
  };
}
