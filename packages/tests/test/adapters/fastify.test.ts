import { sessPlugin } from '@sess/fastify';
import Fastify from 'fastify';
import { adapterSuite } from './adapter-suite.js';

adapterSuite('Fastify 5', async (options, routes) => {
  const app = Fastify();
  await app.register(sessPlugin, options);
  for (const [path, route] of Object.entries(routes)) {
    app.all(path, async (request) => {
      const query = new URL(request.url, 'http://localhost').searchParams;
      return route(request.session, query);
    });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
});
