import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  createMemoryPort,
  createSessionStore,
  type RedisPort,
  type SessionStore,
} from '@sess/core';
import { createNodeRedisPort } from '@sess/node-redis';
import { sessMetrics } from '@sess/prometheus';
import { startRedis } from '@sess/testkit';

/** Where an example keeps its sessions, and how to let go of it. */
export interface OpenedStore {
  readonly store: SessionStore;
  /** One line for the startup banner. */
  readonly description: string;
  /**
   * Closes the store and its connection, and stops the throwaway redis-server if we started
   * one. From the moment it is called, connection errors are expected and not reported.
   */
  close(): Promise<void>;
}

const WARN_INTERVAL_MS = 30_000;

/**
 * The zero-setup default, in this order:
 * 1. `REDIS_URL` is set: the Redis it names.
 * 2. `redis-server` is on PATH: a throwaway one on a free loopback port (no persistence),
 *    stopped when the app stops.
 * 3. Otherwise the in-memory port, with a warning: sessions vanish with the process.
 */
export async function openSessionStore(env: NodeJS.ProcessEnv = process.env): Promise<OpenedStore> {
  let closing = false;
  let lastWarningAt = Number.NEGATIVE_INFINITY;
  // A Redis that goes away is reported (once per interval: reconnect attempts repeat it), and
  // requests answer 503 meanwhile; the port reconnects by itself.
  const onError = (error: Error): void => {
    if (closing || Date.now() - lastWarningAt < WARN_INTERVAL_MS) return;
    lastWarningAt = Date.now();
    console.warn(`Redis connection error: ${error.message}`);
  };
  const opened = (port: RedisPort, description: string, stopServer?: () => Promise<void>) => {
    // The apps serve prom-client's default registry on /metrics.
    const store = createSessionStore({ port, observer: sessMetrics() });
    let closed: Promise<void> | undefined;
    return {
      store,
      description,
      close() {
        closing = true;
        closed ??= (async () => {
          try {
            await store.close();
            await port.close();
          } finally {
            await stopServer?.();
          }
        })();
        return closed;
      },
    };
  };

  const url = env.REDIS_URL;
  if (url) {
    const port = await createNodeRedisPort({ url, onError });
    return opened(port, `Redis at ${withoutPassword(url)}`);
  }
  if (isOnPath('redis-server', env.PATH)) {
    // REDIS_URL was handled above, and a Docker pull is no zero-setup default.
    const server = await startRedis({ env: false, docker: false });
    try {
      const port = await createNodeRedisPort({ url: server.url, onError });
      return opened(
        port,
        `a throwaway redis-server at ${server.url} (pid ${server.pid}), stopped on exit`,
        () => server.stop(),
      );
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  console.warn(
    'WARNING: REDIS_URL is not set and redis-server is not on PATH: sessions are kept in memory ' +
      'and lost when the process stops. Set REDIS_URL=redis://host:port to use a Redis.',
  );
  return opened(createMemoryPort(), 'memory (no Redis found)');
}

function isOnPath(command: string, path = ''): boolean {
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable REDIS_URL)';
  }
}
