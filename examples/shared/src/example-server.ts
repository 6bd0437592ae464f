import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AppOptions } from './app-options.js';

/**
 * An example app ready to listen, whatever framework runs it. A Fastify instance is one as it
 * is; an Express app or a Koa callback becomes one through `httpServer`.
 */
export interface ExampleServer {
  listen(options: { port: number; host: string }): Promise<unknown>;
  /** Stops listening and ends open connections (a browser's keep-alive would hold it open). */
  close(): Promise<unknown>;
  /** The Node server underneath, for the address it listens on. */
  readonly server: Server;
}

/** How an example turns its options into a server: its `createApp` and a line of wiring. */
export type ServeExample = (options: AppOptions) => ExampleServer | Promise<ExampleServer>;

/** An `ExampleServer` on `node:http` for a request listener (an Express app, `koa.callback()`). */
export function httpServer(listener: RequestListener): ExampleServer {
  const server = createServer(listener);
  return {
    server,
    async listen({ port, host }) {
      server.listen(port, host);
      await once(server, 'listening');
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The TCP port a listening server is bound to (it asked for 0: the system picked one). */
export function listeningPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('the server is not listening on a TCP port');
  }
  return address.port;
}
