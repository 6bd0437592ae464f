import { setTimeout as delay } from 'node:timers/promises';
import { SessError } from '@sess/core';
import type { StartupWatch } from './startup-watch.js';

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
 * paused server accepts the TCP connection but never answers the handshake.
 *
 * Fails with:
 * - `SessError('INVALID_OPTION')` as soon as `watch` sees a failure retrying cannot fix (a
 *   wrong password, database number, host name, TLS setting or certificate): the message
 *   names the option and quotes the server or the system, the original error is the cause.
 * - `SessError('UNAVAILABLE')` when `ms` passed while attempts failed in ways that may yet
 *   pass (no server yet, a refused or reset connection, a server still loading): the message
 *   says what the last attempt ended with.
 *
 * On failure the client is destroyed (back to "not open"), so no reconnect loop is left behind.
 */
export async function connectWithin(
  client: Connectable,
  ms: number,
  watch: StartupWatch = errorWatch(client),
): Promise<void> {
  const deadline = Date.now() + ms;
  const ended = new AbortController();
  let fail: (error: SessError) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const timer = setTimeout(() => fail(timedOut(watch, ms)), ms);
  const open = async (): Promise<undefined> => {
    for (let attempt = 0; ; attempt++) {
      const connecting = client.connect();
      // destroy() makes a pending connect() reject; that rejection is expected.
      connecting.catch(() => {});
      try {
        await connecting;
        break;
      } catch (error) {
        if (ended.signal.aborted) return;
        const next = watch.rejected(asError(error), attempt);
        if (typeof next !== 'number') throw next;
        // Too late for another attempt: the deadline's message says what was seen.
        if (Date.now() + next >= deadline) return failed;
        await delay(next, undefined, { signal: ended.signal }).catch(() => {});
        if (ended.signal.aborted) return;
      }
    }
    const verdict = await watch.verify();
    if (verdict) throw verdict;
    return undefined;
  };
  watch.start((error) => fail(error));
  try {
    await Promise.race([open(), failed]);
  } catch (error) {
    destroy(client);
    if (error instanceof SessError) throw error;
    throw new SessError(
      'UNAVAILABLE',
      `no connection to ${watch.target}: ${asError(error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    ended.abort();
    clearTimeout(timer);
    watch.stop();
  }
}

/**
 * Destroys a client that did not open, without waiting: a Sentinel client's `destroy()` waits
 * for its connection attempt in flight (up to a second, or a `connectTimeout`), and the
 * failure is known now. Errors it emits until it is done are its last, and dropped here.
 */
function destroy(client: Connectable): void {
  const ignore = (): void => {};
  client.on('error', ignore);
  let destroyed: unknown;
  try {
    destroyed = client.destroy();
  } catch {
    // Already destroyed: nothing left to wait for.
  }
  void Promise.resolve(destroyed)
    .catch(() => {})
    .finally(() => client.off('error', ignore));
}

function timedOut(watch: StartupWatch, ms: number): SessError {
  const last = watch.lastError;
  const why = last ? `the last attempt failed with: ${last.message}` : watch.silence;
  return new SessError(
    'UNAVAILABLE',
    `no connection to ${watch.target} within ${ms} ms (connectTimeout); ${why}`,
    { cause: last },
  );
}

/**
 * The watch of a client nothing is known about (a one-off connection): it remembers the last
 * error, never fails early, and gives up when node-redis does.
 */
export function errorWatch(client: Connectable, target = 'Redis'): StartupWatch {
  let lastError: Error | undefined;
  const remember = (error: unknown): void => {
    lastError = asError(error);
  };
  return {
    target,
    get lastError() {
      return lastError;
    },
    silence: 'no attempt ended within that time',
    start: () => client.on('error', remember),
    stop: () => client.off('error', remember),
    rejected: (error) => gaveUp(target, error, lastError),
    verify: () => Promise.resolve(undefined),
  };
}

/** node-redis gave up connecting (its reconnect strategy said so, or it has none). */
export function gaveUp(target: string, error: Error, lastError: Error | undefined): SessError {
  const last =
    lastError === undefined || lastError === error || lastError.message === error.message
      ? ''
      : ` (the last attempt failed with: ${lastError.message})`;
  return new SessError('UNAVAILABLE', `no connection to ${target}: ${error.message}${last}`, {
    cause: error,
  });
}

/** node-redis' Sentinel client emits some errors as plain strings. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
