import { createSessionStore, isSessError } from '@sess/core';
import { type RedisServer, startRedis } from '@sess/testkit';
import { createClient, createSentinel } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNodeRedisPort,
  type NodeRedisPort,
  type NodeRedisPortOptions,
} from '../src/index.js';
import { uniqueKey } from './support/lua.js';
import { waitUntil } from './support/wait-until.js';

// The `cache` option on one server: its options, its tracking connections, and what ends
// tracking (a flush, tracking switched off under it, the port closing).

let server: RedisServer;
let admin: ReturnType<typeof createClient>;

beforeAll(async () => {
  // Not audited: a test flushes the server, which the audit counts against whoever sent it.
  server = await startRedis({ env: false });
  admin = createClient({ url: server.url, RESP: 2 });
  admin.on('error', () => {});
  await admin.connect();
});

afterAll(async () => {
  await admin?.close();
  await server?.stop();
});

const quiet = { onError: () => {} };

async function cachedPort(options: NodeRedisPortOptions = {}): Promise<NodeRedisPort> {
  const port = await createNodeRedisPort({ url: server.url, cache: true, ...quiet, ...options });
  await waitUntil(() => port.cacheStats()?.trackingUp === 1, 5_000, 'tracking up');
  return port;
}

const hgetall = (key: string) => ({ command: 'HGETALL', keys: [key], args: [key] });
const hset = (key: string, value: string) => ({
  command: 'HSET',
  keys: [key],
  args: [key, 'f', value],
});

/** Reads `key` twice through `port`: the second read must be a hit. */
async function hold(port: NodeRedisPort, key: string): Promise<void> {
  await port.send(hgetall(key));
  const { hits } = port.cacheStats()!;
  await port.send(hgetall(key));
  expect(port.cacheStats()!.hits).toBe(hits + 1);
}

/** The id of the connection named `name` that is (`sub`) or is not subscribed. */
async function clientId(name: string, sub: boolean): Promise<string> {
  const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
  for (const line of list.split('\n')) {
    if (!line.includes(` name=${name} `)) continue;
    if (line.includes(' sub=1 ') === sub) return /id=(\d+)/.exec(line)?.[1] as string;
  }
  throw new Error(`no connection named ${name}`);
}

describe('the cache option', () => {
  const cases: Array<[string, NodeRedisPortOptions['cache']]> = [
    ['cache', 'yes' as unknown as NodeRedisPortOptions['cache']],
    ['cache', [] as unknown as NodeRedisPortOptions['cache']],
    ['cache.maxEntry', { maxEntry: 10 } as unknown as NodeRedisPortOptions['cache']],
    ['cache.maxEntries', { maxEntries: 0 }],
    ['cache.maxBytes', { maxBytes: 1.5 }],
    ['cache.heartbeat', { heartbeat: -1 }],
  ];

  it.each(cases)('names %s when it is wrong', async (name, cache) => {
    const error = await createNodeRedisPort({ url: server.url, cache }).catch((e: unknown) => e);
    expect(isSessError(error, 'INVALID_OPTION')).toBe(true);
    expect((error as Error).message.startsWith(`${name}: `)).toBe(true);
  });

  it('says which options exist when given one it does not know', async () => {
    const error = await createNodeRedisPort({
      url: server.url,
      cache: { maxEntris: 5 } as NodeRedisPortOptions['cache'],
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'cache.maxEntris: unknown option: expected one of maxEntries, maxBytes, heartbeat',
    );
  });

  it('is refused on a Sentinel client of yours, whose options the port cannot read', async () => {
    const client = createSentinel({
      name: 'mymaster',
      sentinelRootNodes: [{ host: 'localhost', port: 1 }],
      RESP: 2,
    });
    const error = await createNodeRedisPort({ client, cache: true }).catch((e: unknown) => e);
    expect(isSessError(error, 'INVALID_OPTION')).toBe(true);
    expect((error as Error).message).toMatch(/^cache: not available on a Sentinel client of yours/);
  });

  it('is off by default, and false is off', async () => {
    for (const cache of [undefined, false]) {
      const port = await createNodeRedisPort({ url: server.url, cache });
      expect(port.cacheStats()).toBeUndefined();
      await port.close();
    }
  });
});

describe('tracking on one server', () => {
  it('works on a client of yours, and switches tracking off when the port closes', async () => {
    const client = createClient({ url: server.url, RESP: 2, name: 'sess-mine' });
    client.on('error', () => {});
    await client.connect();
    const port = await cachedPort({ url: undefined, client });
    const key = uniqueKey('mine');
    await hold(port, key);
    const data = await clientId('sess-mine', false);
    expect(String(await admin.sendCommand(['CLIENT', 'LIST', 'ID', data]))).toMatch(/flags=\S*t/);
    await port.close();
    // The client stays open, untracked, and the channel is gone.
    await waitUntil(
      async () =>
        !/flags=\S*t/.test(String(await admin.sendCommand(['CLIENT', 'LIST', 'ID', data]))),
      5_000,
      'tracking off',
    );
    await expect(clientId('sess-mine', true)).rejects.toThrow(/no connection/);
    expect(client.isOpen).toBe(true);
    await client.close();
  });

  it('drops everything on a flush, and tracks again', async () => {
    const port = await cachedPort();
    try {
      const key = uniqueKey('flushed');
      await port.send(hset(key, 'v1'));
      await hold(port, key);
      const { invalidations } = port.cacheStats()!;
      await admin.sendCommand(['FLUSHALL']);
      await waitUntil(() => port.cacheStats()!.entries === 0, 5_000, 'flushed');
      expect(port.cacheStats()!.invalidations).toBe(invalidations + 1);
      expect(await port.send(hgetall(key))).toEqual([]);
      await port.send(hset(key, 'v2'));
      expect(await port.send(hgetall(key))).toEqual(['f', 'v2']);
      await hold(port, key);
    } finally {
      await port.close();
    }
  });

  it('stops serving when a heartbeat goes unanswered (a server that stops without a word)', async () => {
    const port = await cachedPort({ cache: { heartbeat: 100 } });
    try {
      const key = uniqueKey('heartbeat');
      await hold(port, key);
      // SIGSTOP: the connections stay open and nothing answers, as behind a dead link.
      server.pause();
      try {
        await waitUntil(() => port.cacheStats()!.trackingDown === 1, 2_000, 'tracking down');
        expect(port.cacheStats()!.entries).toBe(0);
      } finally {
        server.resume();
      }
      await waitUntil(() => port.cacheStats()!.trackingUp === 1, 10_000, 'tracking up again');
      await hold(port, key);
    } finally {
      await port.close();
    }
  });

  it('sets tracking up again when its invalidation connection is killed', async () => {
    const port = await cachedPort({ clientOptions: { name: 'sess-killed' } });
    try {
      const key = uniqueKey('killed');
      await hold(port, key);
      const data = await clientId('sess-killed', false);
      await admin.sendCommand(['CLIENT', 'KILL', 'ID', await clientId('sess-killed', true)]);
      await waitUntil(() => port.cacheStats()!.trackingDown === 1, 5_000, 'tracking down');
      expect(port.cacheStats()!.entries).toBe(0);
      await waitUntil(() => port.cacheStats()!.trackingUp === 1, 5_000, 'tracking up again');
      // The same data connection, tracking redirected to the new channel.
      expect(await clientId('sess-killed', false)).toBe(data);
      await hold(port, key);
    } finally {
      await port.close();
    }
  });

  it('serves a change made by the same port at once', async () => {
    const port = await cachedPort();
    try {
      const key = uniqueKey('own');
      await port.send(hset(key, 'v1'));
      await hold(port, key);
      // Each write drops the key before it is sent; the next read goes to Redis.
      await port.send(hset(key, 'v2'));
      expect(await port.send(hgetall(key))).toEqual(['f', 'v2']);
      await port.batch([hset(key, 'v3')]);
      expect(await port.send(hgetall(key))).toEqual(['f', 'v3']);
      const [node] = await port.nodes();
      await node!.send(hset(key, 'v4'));
      expect(await port.send(hgetall(key))).toEqual(['f', 'v4']);
    } finally {
      await port.close();
    }
  });
});

/** `port.sendWith` as a promise, telling whether it answered before it returned. */
function readWith(port: NodeRedisPort, key: string): Promise<{ reply: unknown; sync: boolean }> {
  return new Promise((resolve, reject) => {
    let sync = true;
    port.sendWith(hgetall(key), (reply) => resolve({ reply, sync }), reject);
    sync = false;
  });
}

describe('sendWith (the session read of every request)', () => {
  it('answers a held read with the frozen reply it holds, the same each time, never at once', async () => {
    const port = await cachedPort();
    try {
      const key = uniqueKey('with');
      await port.send(hset(key, 'v1'));
      await hold(port, key);
      const { hits } = port.cacheStats()!;
      const first = await readWith(port, key);
      const second = await readWith(port, key);
      expect(port.cacheStats()!.hits).toBe(hits + 2);
      expect(first).toEqual({ reply: ['f', 'v1'], sync: false });
      expect(second.reply).toBe(first.reply);
      expect(Object.isFrozen(first.reply)).toBe(true);
      // Frozen: a reader that changes its reply cannot change the next reader's.
      expect(() => (first.reply as string[]).push('x')).toThrow(TypeError);
      // Another client's change reaches it as it reaches `send`.
      await admin.hSet(key, 'f', 'v2');
      await waitUntil(
        async () => JSON.stringify((await readWith(port, key)).reply) === '["f","v2"]',
        5_000,
        'the change seen',
      );
    } finally {
      await port.close();
    }
  });

  it('passes a miss, a write and an error reply through as send does', async () => {
    for (const cache of [true, false]) {
      const port = await createNodeRedisPort({ url: server.url, cache, ...quiet });
      try {
        const key = uniqueKey('with-miss');
        expect(await readWith(port, key)).toEqual({ reply: [], sync: false });
        const written = await new Promise<unknown>((resolve, reject) =>
          port.sendWith(hset(key, 'v1'), resolve, reject),
        );
        expect(written).toBe(1);
        expect((await readWith(port, key)).reply).toEqual(['f', 'v1']);
        const list = uniqueKey('with-list');
        await admin.rPush(list, 'x');
        const error = await readWith(port, list).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(/WRONGTYPE/);
      } finally {
        await port.close();
      }
    }
  });

  it('lets a store read one held reply into records that stay apart', async () => {
    const port = await cachedPort();
    const store = createSessionStore({ port, prefix: 'with-store', cleaner: false });
    try {
      const { id } = await store.create({ n: 1, cart: ['a'] });
      await store.load(id);
      const { hits } = port.cacheStats()!;
      const a = (await store.load(id))!;
      const b = (await store.load(id))!;
      expect(port.cacheStats()!.hits).toBe(hits + 2);
      // Read first, so that what the reply's records share holds it, then changed.
      expect(a.get('n')).toBe(1);
      a.set('n', 2);
      expect(a.get('n')).toBe(2);
      (a.get('cart') as string[]).push('b');
      expect(b.get('n')).toBe(1);
      expect(b.get('cart')).toEqual(['a']);
      expect(await store.commit(a)).toBe('saved');
      const c = (await store.load(id))!;
      expect([c.get('n'), c.get('cart')]).toEqual([2, ['a', 'b']]);
      expect([a.get('n'), b.get('n')]).toEqual([2, 1]);
    } finally {
      await store.close();
      await port.close();
    }
  });
});
