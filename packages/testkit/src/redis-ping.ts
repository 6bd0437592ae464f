import { setTimeout as delay } from 'node:timers/promises';
import { RespConnection, type RespEndpoint, withTimeout } from './resp-connection.js';

/** True if the server answers PING with PONG within `timeout` ms (a new connection each time). */
export async function ping(endpoint: RespEndpoint, timeout = 1_000): Promise<boolean> {
  const started = Date.now();
  let connection: RespConnection | undefined;
  try {
    connection = await RespConnection.open(endpoint, { connectTimeout: timeout });
    const left = Math.max(1, timeout - (Date.now() - started));
    return (await withTimeout(connection.call(['PING']), left, 'PING')) === 'PONG';
  } catch {
    return false;
  } finally {
    connection?.destroy();
  }
}

export interface WaitForRedisOptions {
  /** Give up at this time (ms since the epoch). */
  readonly deadline: number;
  /** Polling stops early when this says the server is gone (its process exited). */
  readonly gone?: () => Error | undefined;
}

/** Polls PING until the server answers, the deadline passes or the server is gone. */
export async function waitForRedis(
  endpoint: RespEndpoint,
  options: WaitForRedisOptions,
): Promise<void> {
  for (;;) {
    const gone = options.gone?.();
    if (gone) throw gone;
    const left = options.deadline - Date.now();
    if (left <= 0) {
      throw new Error(
        `Redis at ${endpoint.host}:${endpoint.port} did not answer PING before the deadline`,
      );
    }
    if (await ping(endpoint, Math.min(left, 1_000))) return;
    // A refused connection fails at once: pace the next attempt instead of spinning.
    await delay(Math.min(20, Math.max(0, options.deadline - Date.now())));
  }
}
