import { randomUUID } from 'node:crypto';
import { createSessionStore, type RedisPort, type SessionStore } from '@sess/core';
import { createNodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import type { ExampleServer, ServeExample } from '../example-server.js';
import { listeningPort } from '../example-server.js';
import { browserUrl } from '../settings.js';

/** An example app listening on a loopback port, with a throwaway Redis of its own. */
export interface RunningExample {
  readonly redis: RedisServer;
  readonly store: SessionStore;
  /** `http://127.0.0.1:<port>/` */
  readonly base: string;
  /** Stops the app, the store and the Redis; safe after a failed start. */
  stop(): Promise<void>;
}

/**
 * Starts an example on a throwaway Redis (or `REDIS_URL`), under a key prefix of its own so
 * the active-session count is exact even on a shared Redis. `name` goes into that prefix.
 */
export async function startExample(name: string, serve: ServeExample): Promise<RunningExample> {
  let redis: RedisServer | undefined;
  let port: RedisPort | undefined;
  let store: SessionStore | undefined;
  let server: ExampleServer | undefined;
  const stop = async (): Promise<void> => {
    await server?.close();
    await store?.close();
    await port?.close();
    await redis?.stop();
  };
  try {
    redis = await startRedis({ audit: true });
    // Tests kill Redis on purpose: its connection errors are expected.
    port = await createNodeRedisPort({ url: redis.url, onError: () => {} });
    store = createSessionStore({ port, prefix: `example-${name}-${randomUUID().slice(0, 8)}` });
    server = await serve({ store });
    await server.listen({ port: 0, host: '127.0.0.1' });
    return { redis, store, base: browserUrl('127.0.0.1', listeningPort(server.server)), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
