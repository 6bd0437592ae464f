import { createSessionStore, type SessionStore } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';

/** A redis-server with the command audit on, and a sess store on it. */
export interface PluginRedis {
  readonly server: RedisServer;
  readonly store: SessionStore;
  close(): Promise<void>;
}

export async function startPluginRedis(): Promise<PluginRedis> {
  const server = await startRedis({ audit: true });
  let port: NodeRedisPort | undefined;
  try {
    port = await createNodeRedisPort({ url: server.url });
    const store = createSessionStore({ port, cleaner: false });
    const opened = port;
    return {
      server,
      store,
      close: async () => {
        await store.close();
        await opened.close();
        await server.stop(); // fails if the audit saw a forbidden command
      },
    };
  } catch (error) {
    await port?.close();
    await server.stop();
    throw error;
  }
}
