import { SessError } from '@sess/core';
import { createClient } from 'redis';
import type { NodeRedisClient } from './node-redis-client.js';
import { type NodeRedisPort, openNodeRedisPort } from './node-redis-port.js';
import {
  type NodeRedisPortOptions,
  type ResolvedPortOptions,
  resolvePortOptions,
} from './port-options.js';
import { reconnectBackoff } from './reconnect-backoff.js';

/**
 * A RedisPort on node-redis 6 (standalone). Resolves once the client is connected; fails with
 * `SessError('UNAVAILABLE')` if that takes longer than `connectTimeout` (a client it created
 * is then destroyed; so is a client you passed unopened, returning it to "not open"), and
 * with `SessError('INVALID_OPTION')` naming the option that is wrong.
 *
 * ```ts
 * const port = await createNodeRedisPort({ url: 'redis://localhost:6379' });
 * // or, on a client of yours (RESP2):
 * const port = await createNodeRedisPort({ client: createClient({ RESP: 2 }) });
 * ```
 */
export async function createNodeRedisPort(options?: NodeRedisPortOptions): Promise<NodeRedisPort> {
  const resolved = resolvePortOptions(options);
  const given = resolved.client;
  const client = given ?? createOwnClient(resolved);
  return openNodeRedisPort(client, {
    owned: given === undefined,
    blocking: false,
    onError: resolved.onError,
    connectTimeout: resolved.connectTimeout,
    // An open client may be reconnecting: its calls fail fast until it is back.
    connect: !client.isOpen,
  });
}

function createOwnClient(options: ResolvedPortOptions): NodeRedisClient {
  const { clientOptions, url, connectTimeout, reconnect } = options;
  try {
    return createClient({
      ...clientOptions,
      ...(url === undefined ? {} : { url }),
      // RESP2: HGETALL, XREAD and friends answer flat arrays, the shapes the core reads.
      RESP: 2,
      // Fail fast while reconnecting; the core's deadline is no substitute for a queue that
      // holds commands for the whole outage.
      disableOfflineQueue: true,
      socket: {
        ...clientOptions.socket,
        connectTimeout,
        reconnectStrategy: reconnectBackoff(reconnect.minDelay, reconnect.maxDelay),
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SessError(
      'INVALID_OPTION',
      `url/clientOptions: node-redis refused them: ${message}`,
      {
        cause: error,
      },
    );
  }
}
