import type { FastifyInstance } from 'fastify';
import type { RunningApp } from './app-contract.js';

/** Listens on a free loopback port; `close` also cuts idle keep-alive connections. */
export async function listenFastify(app: FastifyInstance): Promise<RunningApp> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    port: address.port,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
