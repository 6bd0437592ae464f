import { setTimeout as delay } from 'node:timers/promises';
import { RespConnection, type RespEndpoint, withTimeout } from './resp-connection.js';
import type { RespValue } from './resp-reader.js';

/**
 * One command on a connection of its own, for building and watching topologies. These
 * connections are the testkit's, never the code under test's; the audit of a topology starts
 * only once it is built, so its setup commands are not judged.
 */
export async function adminCall(
  endpoint: RespEndpoint,
  args: readonly (string | number)[],
  timeout = 2_000,
): Promise<RespValue> {
  const connection = await RespConnection.open(endpoint, { connectTimeout: timeout });
  try {
    return await withTimeout(connection.call(args), timeout, String(args[0]));
  } finally {
    connection.destroy();
  }
}

/** `field:value` lines of an `INFO` reply. */
export function infoFields(info: RespValue): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of String(info).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** A flat `[field, value, ...]` reply (`SENTINEL MASTER`) as a map. */
export function pairFields(reply: RespValue): Map<string, string> {
  const fields = new Map<string, string>();
  if (!Array.isArray(reply)) return fields;
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), String(reply[i + 1]));
  return fields;
}

/**
 * Polls `check` until it answers true (a failed check counts as false), failing after
 * `timeout` ms with `what` and the last reason `check` gave.
 */
export async function pollUntil(
  what: string,
  timeout: number,
  check: () => Promise<boolean | string>,
): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    try {
      const outcome = await check();
      if (outcome === true) return;
      last = typeof outcome === 'string' ? outcome : '';
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${what}: not within ${timeout} ms${last ? ` (${last})` : ''}`);
    }
    await delay(50);
  }
}
