import type { ServeExample } from './example-server.js';
import { listeningPort } from './example-server.js';
import { openSessionStore } from './open-session-store.js';
import { browserUrl, readSettings } from './settings.js';
import { stopOnSignals } from './stop-on-signals.js';

/**
 * An example's `main`: reads the settings, opens the zero-setup session store, listens, prints
 * the URL, and on SIGINT or SIGTERM stops the server, the store and any throwaway redis-server.
 */
export async function runExample(framework: string, serve: ServeExample): Promise<void> {
  const settings = readSettings();
  // Before the store opens: the throwaway redis-server dies on the same signal, and this handler
  // must mark the store as closing first, so its connection errors are expected.
  let stop = async (): Promise<void> => {};
  stopOnSignals(() => stop());

  const opened = await openSessionStore().catch((error: unknown) => {
    console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  let port: number;
  try {
    const server = await serve({ store: opened.store, secrets: settings.secrets });
    stop = async () => {
      const storeClosed = opened.close();
      await server.close();
      await storeClosed;
    };
    await server.listen({ port: settings.port, host: settings.host });
    port = listeningPort(server.server);
  } catch (error) {
    await opened.close();
    throw error;
  }
  console.log(`Sessions are kept in ${opened.description}.`);
  console.log(`sess ${framework} example listening on ${browserUrl(settings.host, port)}`);
}
