import { SessError } from '@sess/core';
import type { NodeRedisClient } from './node-redis-client.js';

/**
 * Opens `client` and waits until it is ready, at most `ms`. node-redis' `connect()` alone
 * would wait forever: with a reconnect strategy that never gives up it keeps retrying, and a
 * paused server accepts the TCP connection but never answers the handshake. On failure the
 * client is destroyed (back to "not open"), so no reconnect loop is left behind.
 */
export async function connectWithin(client: NodeRedisClient, ms: number): Promise<void> {
  let lastError: Error | undefined;
  const remember = (error: Error): void => {
    lastError = error;
  };
  client.on('error', remember);
  let timer: NodeJS.Timeout | undefined;
  const connecting = client.connect();
  try {
    await Promise.race([
      connecting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const why = lastError ? `: ${lastError.message}` : '';
          reject(
            new SessError('UNAVAILABLE', `no connection to Redis within ${ms} ms${why}`, {
              cause: lastError,
            }),
          );
        }, ms);
      }),
    ]);
  } catch (error) {
    // destroy() makes the pending connect() reject too; that rejection is expected.
    connecting.catch(() => {});
    client.destroy();
    if (error instanceof SessError) throw error;
    throw new SessError('UNAVAILABLE', `no connection to Redis: ${errorMessage(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    client.off('error', remember);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
