import type { AppOptions, ExampleServer } from '@sess/example-shared';
import { httpServer } from '@sess/example-shared';
import { createLiveSessions } from '@sess/live';
import { liveUpgrade } from '@sess/live/ws';
import { WebSocketServer } from 'ws';
import { createApp } from './app.js';
import { LIVE_SOCKET_PATH } from './live-page.js';

/**
 * The Express app with its live page's WebSocket endpoint: `ws` on the same `node:http`
 * server. `createLiveSessions` follows the store's event stream, so a socket closes when its
 * session is signed out, revoked or expires, whichever instance did it.
 */
export async function serveWithLiveConnections(options: AppOptions): Promise<ExampleServer> {
  const { store, secrets } = options;
  const live = await createLiveSessions({ store });
  const served = httpServer(createApp(options));
  const sockets = new WebSocketServer({ noServer: true });
  sockets.on('connection', (socket) => {
    const greet = () => {
      const principal = live.sessionOf(socket)?.principal ?? 'nobody';
      socket.send(JSON.stringify({ principal, greeting: `Hello, ${principal}.` }));
    };
    greet();
    // Each message is activity: `@sess/live` touches the session, at most once per touchInterval.
    socket.on('message', greet);
  });
  // The same session options as the app's `session({ store, secrets })`.
  const upgrade = liveUpgrade({ live, sessions: { store, secrets }, server: sockets });
  served.server.on('upgrade', (request, socket, head) => {
    if (request.url === LIVE_SOCKET_PATH) upgrade(request, socket, head);
    else socket.destroy();
  });
  return {
    server: served.server,
    listen: (address) => served.listen(address),
    async close() {
      await live.close();
      for (const socket of sockets.clients) socket.terminate();
      await served.close();
    },
  };
}
