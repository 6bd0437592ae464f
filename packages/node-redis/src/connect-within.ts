import { SessError } from '@sess/core';

/** What `connectWithin` needs of a client: any node-redis client kind fits. */
export interface Connectable {
  connect(): Promise<unknown>;
  destroy(): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Opens `client` and waits until it is ready, at most `ms`. node-redis' `connect()` alone
 * would wait forever: with a reconnect strategy that never gives up it keeps retrying, and a
 * paused server accepts the TCP connection but never answers the handshake. On failure the
 * client is destroyed (back to "not open"), so no reconnect loop is left behind.
 */
export async function connectWithin(client: Connectable, ms: number): Promise<void> {
  let lastError: Error | undefined;
  const remember = (error: unknown): void => {
    lastError = asError(error);
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
    await Promise.resolve(client.destroy()).catch(() => {});
    if (error instanceof SessError) throw error;
    throw new SessError('UNAVAILABLE', `no connection to Redis: ${asError(error).message}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    client.off('error', remember);
  }
}

/** node-redis' Sentinel client emits some errors as plain strings. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
