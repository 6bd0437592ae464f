import { createSessionStore, isSessError, SessError, type SessionStore } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import {
  createRecordingPort,
  type RecordingPort,
  type RedisServer,
  startRedis,
} from '@sess/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APP_USER } from './least-privilege.js';

// The repository against a real redis-server, through the node-redis port, with every call
// counted by a recording port and every command audited by the server's MONITOR.

let server: RedisServer;
let redis: NodeRedisPort;
let port: RecordingPort;
let clock: number;
let prefixes = 0;

function store(options: Partial<Parameters<typeof createSessionStore>[0]> = {}): SessionStore {
  return createSessionStore({
    port,
    prefix: `sess:t${++prefixes}`,
    now: () => clock,
    cleaner: false, // its ticks would go through the recording port
    ...options,
  });
}

beforeAll(async () => {
  server = await startRedis({ audit: true, users: [APP_USER] });
  redis = await createNodeRedisPort({ url: server.urlAs(APP_USER.name) });
  port = createRecordingPort(redis);
});

afterAll(async () => {
  await redis?.close();
  await server?.stop();
});

beforeEach(() => {
  clock = Date.now();
  port.reset();
});

describe('round trips', () => {
  it('create = 1, load = 1, commit of a change = 1 (touch included), count = 1', async () => {
    const sessions = store();
    const created = await sessions.create({ a: 1 });
    expect(port.roundTrips).toBe(1);

    port.reset();
    const loaded = await sessions.load(created.id);
    expect(port.roundTrips).toBe(1);

    port.reset();
    clock += 120_000; // a touch is due as well
    loaded?.set('b', 2);
    expect(await sessions.commit(loaded!)).toBe('saved');
    expect(port.roundTrips).toBe(1);

    port.reset();
    expect(await sessions.count()).toBe(1);
    expect(port.roundTrips).toBe(1);
  });

  it('commit with nothing changed and no touch due = 0', async () => {
    const sessions = store();
    const created = await sessions.create({ a: { deep: [1] } });
    const loaded = await sessions.load(created.id);
    loaded?.get('a');
    port.reset();
    expect(await sessions.commit(loaded!)).toBe('unchanged');
    expect(port.roundTrips).toBe(0);
  });

  it('a touch alone costs one round trip once touchInterval has passed, not before', async () => {
    const sessions = store({ touchInterval: 60_000 });
    const created = await sessions.create({ a: 1 });
    clock += 59_000;
    let loaded = await sessions.load(created.id);
    port.reset();
    expect(await sessions.commit(loaded!)).toBe('unchanged');
    clock += 2_000;
    loaded = await sessions.load(created.id);
    port.reset();
    expect(await sessions.commit(loaded!)).toBe('saved');
    expect(port.roundTrips).toBe(1);
    expect((await sessions.load(created.id))?.lastAccessAt).toBe(clock);
  });
});

describe('attribute deltas', () => {
  it('saves a nested mutation and does not rewrite an unchanged attribute', async () => {
    const sessions = store();
    const created = await sessions.create({ cart: { items: ['a'] }, profile: { name: 'x' } });
    const loaded = await sessions.load(created.id);
    if (!loaded) throw new Error('the session was just created');
    (loaded.get('cart') as { items: string[] }).items.push('b');
    loaded.get('profile');
    port.reset();
    await sessions.commit(loaded);
    const save = port.calls.find((call) => call.name === 'sess_save');
    expect(save?.args).toContain('cart');
    expect(save?.args).not.toContain('profile');
    expect((await sessions.load(created.id))?.toObject()).toEqual({
      cart: { items: ['a', 'b'] },
      profile: { name: 'x' },
    });
  });

  it('keeps concurrent changes to different attributes', async () => {
    const sessions = store();
    const created = await sessions.create();
    const copies = await Promise.all(Array.from({ length: 20 }, () => sessions.load(created.id)));
    await Promise.all(
      copies.map((copy, i) => {
        copy?.set(`k${i}`, i);
        return sessions.commit(copy!);
      }),
    );
    expect((await sessions.load(created.id))?.names().sort()).toHaveLength(20);
  });

  it('a commit after the session was destroyed does not recreate it', async () => {
    const sessions = store();
    const created = await sessions.create({ a: 1 });
    const stale = await sessions.load(created.id);
    expect(await sessions.destroy(created.id)).toBe(true);
    stale?.set('a', 2);
    expect(await sessions.commit(stale!)).toBe('gone');
    expect(await sessions.load(created.id)).toBeNull();
    expect(await sessions.count()).toBe(0);
  });

  it('refuses values with __proto__ keys and oversized values with typed errors, writing nothing', async () => {
    const sessions = store({ maxAttributeBytes: 64 });
    const created = await sessions.create({ a: 1 });
    const loaded = await sessions.load(created.id);
    loaded?.set('evil', JSON.parse('{"__proto__":{"polluted":true}}'));
    port.reset();
    await expect(sessions.commit(loaded!)).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    loaded?.delete('evil');
    loaded?.set('big', 'x'.repeat(100));
    await expect(sessions.commit(loaded!)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(port.roundTrips).toBe(0);
    expect((await sessions.load(created.id))?.toObject()).toEqual({ a: 1 });
  });
});

describe('expiry', () => {
  it('an idle-expired session is not loaded, found or counted before Redis deletes it', async () => {
    const sessions = store({ idleTimeout: 10_000, touchInterval: 1_000 });
    const idle = await sessions.create({ a: 1 }, { principal: 'ann' }); // expires at t + 10 s
    clock += 6_000;
    const kept = await sessions.create({ b: 1 }, { principal: 'ann' }); // expires at t + 16 s
    clock += 4_001;
    expect(await sessions.load(idle.id)).toBeNull();
    expect((await sessions.findByPrincipal('ann')).map((s) => s.id)).toEqual([kept.id]);
    expect(await sessions.count()).toBe(1);
    const key = sessions.keys.session(idle.id);
    expect(await redis.send({ command: 'EXISTS', keys: [key], args: [key] })).toBe(1);
  });

  it('an absolute deadline ends a session however active', async () => {
    const sessions = store({ idleTimeout: 10_000, absoluteTimeout: 25_000, touchInterval: 1_000 });
    const created = await sessions.create({ a: 1 }, { principal: 'bob' });
    for (let step = 0; step < 3; step++) {
      clock += 8_000;
      const loaded = await sessions.load(created.id);
      expect(loaded).not.toBeNull();
      expect(await sessions.commit(loaded!)).toBe('saved');
    }
    clock += 1_001; // 25,001 ms after creation
    expect(await sessions.load(created.id)).toBeNull();
    expect(await sessions.findByPrincipal('bob')).toEqual([]);
    expect(await sessions.count()).toBe(0);
  });
});

describe('timeouts are policy, not stored', () => {
  it('the hash keeps facts only (created, last access, expiry, principal) and the attributes', async () => {
    const sessions = store();
    const created = await sessions.create({ a: 1 }, { principal: 'eve' });
    const key = sessions.keys.session(created.id);
    const reply = (await redis.send({ command: 'HGETALL', keys: [key], args: [key] })) as string[];
    const names = reply.filter((_, i) => i % 2 === 0).sort();
    expect(names).toEqual(['#p', '#t', 'a']);
    const times = reply[reply.indexOf('#t') + 1];
    expect(times).toBe(`${clock}:0:${created.expiresAt - clock}`);

    clock += 120_000; // a touch is due: it rewrites the times, keeping the creation
    const loaded = await sessions.load(created.id);
    expect(await sessions.commit(loaded!)).toBe('saved');
    const touched = await redis.send({ command: 'HGET', keys: [key], args: [key, '#t'] });
    expect(touched).toBe(
      `${created.createdAt}:${clock - created.createdAt}:${loaded!.expiresAt - clock}`,
    );
    expect(loaded!.expiresAt).toBeGreaterThan(created.expiresAt);
  });

  it('a last access before the creation (instances whose clocks differ) loads and saves', async () => {
    const sessions = store();
    const created = await sessions.create({ a: 1 });
    const key = sessions.keys.session(created.id);
    const times = `${clock}:-5000:${created.expiresAt - clock}`;
    await redis.send({ command: 'HSET', keys: [key], args: [key, '#t', times] });
    const loaded = await sessions.load(created.id);
    expect(loaded?.lastAccessAt).toBe(clock - 5_000);
    loaded!.set('a', 2);
    // The save script reads the same field: a signed offset must not look like a gone session.
    expect(await sessions.commit(loaded!)).toBe('saved');
  });

  it('a hash whose times do not parse is not loaded and not written to', async () => {
    const sessions = store();
    const created = await sessions.create({ a: 1 });
    const key = sessions.keys.session(created.id);
    for (const broken of ['', '1:2', '1:2:x', `${clock}:0:1.5e6`, `x${clock}:0:1800000`]) {
      await redis.send({ command: 'HSET', keys: [key], args: [key, '#t', broken] });
      expect(await sessions.load(created.id)).toBeNull();
      created.set('a', broken);
      expect(await sessions.commit(created)).toBe('gone');
      const a = await redis.send({ command: 'HGET', keys: [key], args: [key, 'a'] });
      expect(a).toBe('1');
    }
  });

  it('a shorter timeout in the options ends live sessions at once; a longer one applies from the next touch', async () => {
    const prefix = `sess:t${++prefixes}`;
    // Stores on the same keys, as instances before and after a deploy that changed the options.
    const deployed = (idleTimeout: number, absoluteTimeout: number) =>
      store({ prefix, idleTimeout, absoluteTimeout, touchInterval: 1_000 });
    const before = deployed(60_000, 600_000);
    const idle = await before.create({ a: 1 });
    const old = await before.create({ b: 1 });
    clock += 20_000;

    // The idle timeout shortened to 10 s: the session idle for 20 s is over.
    expect(await deployed(10_000, 600_000).load(idle.id)).toBeNull();
    // The absolute one shortened to 15 s: a session created 20 s ago is over, however active.
    expect(await deployed(60_000, 15_000).load(old.id)).toBeNull();

    // A longer idle timeout counts from the last access (20 s ago) at once, and Redis' expiry
    // (the old one, t + 60 s) moves with the next touch.
    const longer = deployed(120_000, 600_000);
    const loaded = await longer.load(old.id);
    expect(loaded?.expiresAt).toBe(clock + 100_000);
    expect(await longer.commit(loaded!)).toBe('saved');
    clock += 90_000; // past the old expiry, inside the new one
    expect((await longer.load(old.id))?.get('b')).toBe(1);
  });
});

describe('principals', () => {
  it('finds and revokes the sessions of a principal, optionally keeping one', async () => {
    const sessions = store();
    const a = await sessions.create({}, { principal: 'carol' });
    const b = await sessions.create({}, { principal: 'carol' });
    const c = await sessions.create({}, { principal: 'carol' });
    await sessions.create({}, { principal: 'dave' });
    expect((await sessions.findByPrincipal('carol')).map((s) => s.id).sort()).toEqual(
      [a.id, b.id, c.id].sort(),
    );
    expect(await sessions.revokePrincipal('carol', { except: b.id })).toBe(2);
    expect((await sessions.findByPrincipal('carol')).map((s) => s.id)).toEqual([b.id]);
    expect(await sessions.load(a.id)).toBeNull();
    expect(await sessions.count()).toBe(2);
  });

  it.each([['reject' as const], ['evict-oldest' as const]])(
    'maxSessionsPerPrincipal = 3 with 4 concurrent sign-ins leaves exactly 3 (%s)',
    async (onLimit) => {
      const sessions = store({ maxSessionsPerPrincipal: 3, onLimit });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 4 }, () => sessions.create({ n: 1 }, { principal: 'erin' })),
      );
      const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
      if (onLimit === 'reject') {
        expect(rejected).toHaveLength(1);
        expect(isSessError((rejected[0] as PromiseRejectedResult).reason, 'LIMIT_REACHED')).toBe(
          true,
        );
      } else {
        expect(rejected).toHaveLength(0);
      }
      expect(await sessions.findByPrincipal('erin')).toHaveLength(3);
      expect(await sessions.count()).toBe(3);
    },
  );
});

describe('regenerate', () => {
  it('moves attributes to a new id (all, none, a list) and the old id is gone', async () => {
    const sessions = store();
    for (const [keep, expected] of [
      ['all', { a: 1, b: 2 }],
      ['none', {}],
      [['b'], { b: 2 }],
    ] as const) {
      const created = await sessions.create({ a: 1, b: 2 });
      port.reset();
      const next = await sessions.regenerate(created, { keep });
      // The new session, the move of the old one, then its index entries and event.
      expect(port.roundTrips).toBe(3);
      expect(next.id).not.toBe(created.id);
      expect(await sessions.load(created.id)).toBeNull();
      expect((await sessions.load(next.id))?.toObject()).toEqual(expected);
    }
  });
});

describe('a server that stops answering', () => {
  it('fails load and commit with UNAVAILABLE within the deadline + 100 ms, then recovers', async () => {
    const sessions = store({ operationTimeout: 300 });
    const created = await sessions.create({ a: 1 });
    const loaded = await sessions.load(created.id);
    server.pause();
    try {
      for (const operation of [
        () => sessions.load(created.id),
        () => {
          loaded?.set('a', 2);
          return sessions.commit(loaded!);
        },
      ]) {
        const started = performance.now();
        const error = await operation().then(
          () => undefined,
          (e: unknown) => e,
        );
        const elapsed = performance.now() - started;
        expect(error).toBeInstanceOf(SessError);
        expect((error as SessError).code).toBe('UNAVAILABLE');
        expect(elapsed).toBeLessThan(400);
      }
    } finally {
      server.resume();
    }
    // The same store, not recreated: poll with a deadline until the connection answers again.
    const deadline = Date.now() + 10_000;
    let reloaded = null;
    while (Date.now() < deadline) {
      reloaded = await sessions.load(created.id).catch(() => null);
      if (reloaded) break;
    }
    expect(reloaded).not.toBeNull();
    reloaded?.set('after', true);
    expect(await sessions.commit(reloaded!)).toBe('saved');
  });
});

describe('an event loop held up past the deadline', () => {
  it('still takes the replies that came in meanwhile', async () => {
    const sessions = store({ operationTimeout: 50 });
    const created = await sessions.create({ a: 1 });
    const loading = sessions.load(created.id);
    // node-redis writes the command in this turn's check phase: hold the loop up once it is out.
    await new Promise((resolve) => setImmediate(resolve));
    holdEventLoop(250);
    // Redis answered during the hold; the deadline's timer is due before the loop reads it.
    expect((await loading)?.get('a')).toBe(1);
  });
});

/** Synchronous work, as a long GC pause or a large JSON.stringify would be. */
function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  let spins = 0;
  while (performance.now() < until) spins++;
  expect(spins).toBeGreaterThan(0);
}
