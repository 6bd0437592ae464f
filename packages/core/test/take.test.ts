import { describe, expect, it } from 'vitest';
import { isSessError } from '../src/errors.js';
import { HttpSessions } from '../src/http-sessions.js';
import { createMemoryPort } from '../src/memory-port.js';
import type { RedisPort } from '../src/redis-port.js';
import { SessionStore } from '../src/session-store.js';
import { countingPort } from './counting-port.js';

declare module '../src/session.js' {
  interface SessionData {
    flash: { notice: string };
    a: number;
  }
}

function openStore(port: RedisPort = createMemoryPort()) {
  let clock = Date.now();
  const store = new SessionStore({
    port,
    cleaner: false,
    idleTimeout: 60_000,
    touchInterval: 1_000,
    now: () => clock,
  });
  return {
    store,
    advance(ms: number) {
      clock += ms;
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('store.take', () => {
  it('gives a stored value once, and removes it from Redis and from the record', async () => {
    const { store } = openStore();
    const created = await store.create({ state: 'xyz', keep: 1 });
    const first = await store.load(created.id);
    const second = await store.load(created.id);
    expect(await store.take(first!, 'state')).toBe('xyz');
    expect(first!.has('state')).toBe(false);
    expect(await store.take(second!, 'state')).toBeUndefined();
    expect(second!.has('state')).toBe(false);
    expect((await store.load(created.id))?.toObject()).toEqual({ keep: 1 });
    // Nothing left for a commit to write back or delete.
    expect(await store.commit(first!)).toBe('unchanged');
    expect(await store.take(created.id, 'keep')).toBe(1);
    expect(await store.take(created.id, 'keep')).toBeUndefined();
  });

  it('takes what Redis holds: a change in the record that was not committed goes with it', async () => {
    const { store } = openStore();
    const created = await store.create({ flash: ['saved'] });
    const record = await store.load(created.id);
    (record!.get('flash') as string[]).push('local');
    record!.set('other', 1);
    expect(await store.take(record!, 'flash')).toEqual(['saved']);
    expect(await store.commit(record!)).toBe('saved');
    expect((await store.load(created.id))?.toObject()).toEqual({ other: 1 });
  });

  it('a record not stored yet: taken from the record, no Redis call', async () => {
    const counting = countingPort();
    const { store } = openStore(counting);
    const record = store.new({ nonce: 'n-1' });
    expect(await store.take(record, 'nonce')).toBe('n-1');
    expect(await store.take(record, 'nonce')).toBeUndefined();
    expect(counting.trips).toBe(0);
    expect(await store.commit(record)).toBe('unchanged');
  });

  it('an ended or expired session has nothing to give', async () => {
    const { store, advance } = openStore();
    const ended = await store.create({ state: 'a' });
    await store.destroy(ended.id);
    expect(await store.take(ended.id, 'state')).toBeUndefined();
    const expired = await store.create({ state: 'b' });
    advance(60_001);
    expect(await store.take(expired.id, 'state')).toBeUndefined();
  });

  it('refuses meta fields and malformed names and ids', async () => {
    const { store } = openStore();
    const created = await store.create({ a: 1 }, { principal: 'ada' });
    expect(isSessError(await rejection(store.take(created, '#p')), 'INVALID_NAME')).toBe(true);
    expect(isSessError(await rejection(store.take(created, '')), 'INVALID_NAME')).toBe(true);
    expect(isSessError(await rejection(store.take('nope', 'a')), 'INVALID_ID')).toBe(true);
    expect((await store.load(created.id))?.principal).toBe('ada');
  });
});

describe('session.take', () => {
  it('reads once through the session API; reserved names are refused', async () => {
    const { store } = openStore();
    const http = new HttpSessions({ store, token: true });
    const writer = await http.open({ token: '' });
    writer.session.flash = { notice: 'Saved.' };
    const token = (await writer.commit()).token?.value ?? '';

    const readers = await Promise.all([1, 2, 3].map(() => http.open({ token })));
    const taken = await Promise.all(readers.map((reader) => reader.session.take('flash')));
    expect(taken.filter((value) => value !== undefined)).toEqual([{ notice: 'Saved.' }]);
    for (const reader of readers) expect(await reader.commit()).toEqual({ setCookie: [] });
    expect((await http.open({ token })).session.flash).toBeUndefined();

    const anonymous = await http.open({});
    expect(await anonymous.session.take('flash')).toBeUndefined();
    const error = await rejection(anonymous.session.take('signIn'));
    expect(isSessError(error, 'INVALID_NAME')).toBe(true);
  });

  it('a stored value the serializer refuses reads as nothing, and is gone', async () => {
    const port = createMemoryPort();
    const { store } = openStore(port);
    const http = new HttpSessions({ store, token: true });
    const writer = await http.open({ token: '' });
    writer.session.a = 1;
    const token = (await writer.commit()).token?.value ?? '';
    const key = store.keys.session(writer.session.id ?? '');
    await port.send({
      command: 'HSET',
      keys: [key],
      args: [key, 'evil', '{"__proto__":{"polluted":true}}'],
    });
    const reader = await http.open({ token });
    expect(await reader.session.take('evil')).toBeUndefined();
    expect(await port.send({ command: 'HEXISTS', keys: [key], args: [key, 'evil'] })).toBe(0);
  });
});
