import { jsonSerializer } from '@sess/core';
import { formatStoredTimes, KeyLayout, newSessionId } from '@sess/core/internal';
import type { Command, RedisProbe } from './redis-probe.js';

/** The five small attributes of every session `bench/peers` creates (its `SESSION_ATTRIBUTES`). */
const ATTRIBUTES = { user: 'u1234567', role: 'member', locale: 'en-GB', theme: 'dark', visits: 0 };

/** sess' defaults: idle timeout 30 minutes, grace 5 minutes. */
export const IDLE_TIMEOUT = 30 * 60_000;
const GRACE = 5 * 60_000;

/** A session as its index sees it: its id and its expiry. */
export interface Entry {
  readonly id: string;
  readonly expiresAt: number;
}

/**
 * `count` sessions as a store at its defaults writes them (the hash with its times and the
 * serialized attributes, its TTL), created at a steady rate over the last idle timeout, so their
 * expiries spread over the next 30 minutes as in a site that has been up for a while.
 */
export function makeEntries(count: number, now: number): Entry[] {
  return Array.from({ length: count }, (_, i) => ({
    id: newSessionId(),
    expiresAt: now + Math.floor(((i + 1) / count) * IDLE_TIMEOUT),
  }));
}

export async function writeSessions(
  probe: RedisProbe,
  entries: readonly Entry[],
  now: number,
): Promise<void> {
  const keys = new KeyLayout('sess', 16);
  const attributes = Object.entries(ATTRIBUTES).flatMap(([name, value]) => [
    name,
    jsonSerializer.stringify(value),
  ]);
  function* commands(): Generator<Command> {
    for (const { id, expiresAt } of entries) {
      const key = keys.session(id);
      const createdAt = expiresAt - IDLE_TIMEOUT;
      const times = formatStoredTimes({ createdAt, lastAccessAt: createdAt, expiresAt });
      yield ['HSET', key, '#t', times, ...attributes];
      yield ['PEXPIREAT', key, Math.max(now, expiresAt) + GRACE];
    }
  }
  await probe.load(commands());
}
