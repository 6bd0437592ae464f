import {
  createSessionStore,
  isSessError,
  type SessionObserver,
  type SessionRecord,
  type SessionStore,
} from '@sess/core';
import { parseEntry } from '@sess/core/internal';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import {
  createRecordingPort,
  type RecordingPort,
  type RedisServer,
  startRedis,
} from '@sess/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// The lifecycle of a session against a real redis-server, through the command audit: what
// ends a session stays ended, whatever ran at the same time, and the limits hold.

let server: RedisServer;
let redis: NodeRedisPort;
let port: RecordingPort;
let clock: number;
let prefixes = 0;

function store(options: Partial<Parameters<typeof createSessionStore>[0]> = {}): SessionStore {
  return createSessionStore({
    port,
    prefix: `l${++prefixes}`,
    now: () => clock,
    cleaner: false,
    ...options,
  });
}

beforeAll(async () => {
  server = await startRedis({ audit: true });
  redis = await createNodeRedisPort({ url: server.url });
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

async function loaded(sessions: SessionStore, id: string): Promise<SessionRecord> {
  const record = await sessions.load(id);
  if (record === null) throw new Error(`session ${id} is not there`);
  return record;
}

/** What Redis holds under the id, whatever the store would make of it. */
async function rawFields(sessions: SessionStore, id: string): Promise<string[]> {
  const key = sessions.keys.session(id);
  return (await redis.send({ command: 'HGETALL', keys: [key], args: [key] })) as string[];
}

describe('a session that ended meanwhile is not brought back by a regenerate', () => {
  const endings = [
    ['revoked', (s: SessionStore, r: SessionRecord) => s.revokePrincipal(r.principal ?? '')],
    ['signed out', (s: SessionStore, r: SessionRecord) => s.destroy(r.id)],
    [
      'expired',
      async () => {
        clock += 31 * 60_000;
      },
    ],
  ] as const;

  it.each(endings)(
    '%s: a plain regenerate fails with SESSION_GONE and creates nothing',
    async (_, end) => {
      const sessions = store();
      const created = await sessions.create({ role: 'admin' }, { principal: 'alice' });
      const copy = await loaded(sessions, created.id);
      await end(sessions, copy);
      expect(await sessions.load(created.id)).toBeNull();

      const failure = await sessions.regenerate(copy).catch((error: unknown) => error);
      expect(isSessError(failure, 'SESSION_GONE')).toBe(true);
      expect(await sessions.findByPrincipal('alice')).toEqual([]);
      expect(await sessions.count()).toBe(0);
      // Nothing is left for a later request either: the half-made session went too (an
      // expired one stays indexed until the cleaner ends it).
      await sessions.repairNow();
      expect(sessions.pendingRepairs).toBe(0);
      const indexed = await Promise.all(
        sessions.keys.buckets.map((bucket) =>
          redis.send({ command: 'ZRANGE', keys: [bucket], args: [bucket, 0, -1] }),
        ),
      );
      for (const id of indexed.flat()) expect(id).toBe(created.id);
    },
  );

  it.each(endings)(
    '%s: a sign-in gets a fresh session carrying nothing of the ended one',
    async (_, end) => {
      const sessions = store();
      const created = await sessions.create({ role: 'admin' }, { principal: 'alice' });
      const copy = await loaded(sessions, created.id);
      await end(sessions, copy);

      const next = await sessions.regenerate(copy, { principal: 'alice' });
      expect(next.id).not.toBe(created.id);
      expect(next.principal).toBe('alice');
      expect(next.toObject()).toEqual({});
      expect((await loaded(sessions, next.id)).toObject()).toEqual({});
      expect((await sessions.findByPrincipal('alice')).map((s) => s.id)).toEqual([next.id]);
      expect(await sessions.count()).toBe(1);
    },
  );

  it('the exact sequence of the report: create, load, revoke everywhere, regenerate', async () => {
    const sessions = store();
    const created = await sessions.create({ role: 'admin' }, { principal: 'alice' });
    const copy = await loaded(sessions, created.id);
    expect(await sessions.revokePrincipal('alice')).toBe(1);
    expect(await sessions.load(created.id)).toBeNull();
    await expect(sessions.regenerate(copy)).rejects.toMatchObject({ code: 'SESSION_GONE' });
    expect(await sessions.findByPrincipal('alice')).toEqual([]);
  });

  it('two concurrent regenerates of one session: one moves it, the other learns it moved', async () => {
    const sessions = store();
    const created = await sessions.create({ cart: 3 }, { principal: 'bob' });
    const [a, b] = [await loaded(sessions, created.id), await loaded(sessions, created.id)];
    const outcomes = await Promise.allSettled([sessions.regenerate(a), sessions.regenerate(b)]);
    const moved = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(moved).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(isSessError((refused[0] as PromiseRejectedResult).reason, 'SESSION_GONE')).toBe(true);
    const next = (moved[0] as PromiseFulfilledResult<SessionRecord>).value;
    expect((await sessions.findByPrincipal('bob')).map((s) => s.id)).toEqual([next.id]);
    expect((await loaded(sessions, next.id)).get('cart')).toBe(3);
    expect(await sessions.count()).toBe(1);
  });

  it('the old id keeps only a mark naming the new one, which no load or save takes for a session', async () => {
    const sessions = store();
    const created = await sessions.create({ a: 1 });
    const copy = await loaded(sessions, created.id);
    const next = await sessions.regenerate(created);
    expect(await rawFields(sessions, created.id)).toEqual(['#m', next.id]);
    expect(await sessions.load(created.id)).toBeNull();
    copy.set('a', 2);
    expect(await sessions.commit(copy)).toBe('gone');
    expect(await sessions.destroy(created.id)).toBe(false);
    const key = sessions.keys.session(created.id);
    const ttl = Number(await redis.send({ command: 'PTTL', keys: [key], args: [key] }));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(Math.max(60_000, sessions.options.grace));
  });

  it('a refused sign-in (the principal is at its limit) keeps the session it came from', async () => {
    const sessions = store({ maxSessionsPerPrincipal: 1, onLimit: 'reject' });
    await sessions.create({}, { principal: 'carol' });
    const anonymous = await sessions.create({ cart: 2 });
    const failure = await sessions
      .regenerate(anonymous, { principal: 'carol' })
      .catch((error: unknown) => error);
    expect(isSessError(failure, 'LIMIT_REACHED')).toBe(true);
    expect((await loaded(sessions, anonymous.id)).get('cart')).toBe(2);
    expect(await sessions.findByPrincipal('carol')).toHaveLength(1);
    expect(await sessions.count()).toBe(2);
  });

  it('a sign-in without a session refused by the limit: its created event is ended in the stream, and told to no listener', async () => {
    const sessions = store({ maxSessionsPerPrincipal: 1, onLimit: 'reject' });
    const first = await sessions.create({}, { principal: 'dan' });
    const heard: string[] = [];
    sessions.on('created', (event) => heard.push(event.id));
    const failure = await sessions
      .create({}, { principal: 'dan' })
      .catch((error: unknown) => error);
    expect(isSessError(failure, 'LIMIT_REACHED')).toBe(true);
    expect(heard).toEqual([]);
    const stream = sessions.keys.events;
    const entries = (await redis.send({
      command: 'XRANGE',
      keys: [stream],
      args: [stream, '-', '+'],
    })) as Array<[string, string[]]>;
    const written = entries.flatMap(([, fields]) => parseEntry(fields) ?? []);
    // The creation and its event went in one round trip; the refused one is ended at once.
    const refused = written.find((event) => event.type === 'created' && event.id !== first.id);
    expect(refused).toBeDefined();
    expect(written.at(-1)).toMatchObject({ type: 'destroyed', id: refused?.id, reason: 'failed' });
    expect(await sessions.load(refused?.id ?? '')).toBeNull();
    expect(await sessions.count()).toBe(1);
  });
});

describe('the attribute-count limit', () => {
  it.each([
    ['the default', 1_000],
    ['a raised one', 12_000],
  ])(
    'create, commit and regenerate work at %s (%i); one more is TOO_LARGE with 0 commands',
    async (_, limit) => {
      const sessions = store({ maxAttributes: limit, maxSessionBytes: 10_000_000 });
      const attributes = (count: number, from = 0) =>
        Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${from + i}`, i]));

      const created = await sessions.create(attributes(limit - 1));
      const copy = await loaded(sessions, created.id);
      copy.set('last', 1);
      expect(await sessions.commit(copy)).toBe('saved');
      const next = await sessions.regenerate(copy, { principal: 'dan' });
      expect((await loaded(sessions, next.id)).names()).toHaveLength(limit);

      port.reset();
      const over = await loaded(sessions, next.id);
      over.set('one-more', 1);
      await expect(sessions.commit(over)).rejects.toMatchObject({ code: 'TOO_LARGE' });
      await expect(sessions.create(attributes(limit + 1))).rejects.toMatchObject({
        code: 'TOO_LARGE',
      });
      expect(port.roundTrips).toBe(1); // the load above, nothing after it
      expect(port.calls.map((call) => call.name)).toEqual(['HGETALL']);
    },
  );

  it('a removal that brings a session back under the limit is written', async () => {
    const sessions = store({ maxAttributes: 3 });
    const created = await sessions.create({ a: 1, b: 2, c: 3 });
    const copy = await loaded(sessions, created.id);
    copy.delete('a');
    copy.set('d', 4);
    expect(await sessions.commit(copy)).toBe('saved');
    expect((await loaded(sessions, created.id)).names().sort()).toEqual(['b', 'c', 'd']);
  });
});

describe('a key that is not a session', () => {
  it('reads as no session (reported), and signing in again works', async () => {
    const unreadable: string[] = [];
    const observer: SessionObserver = {
      sessionUnreadable: (error) => unreadable.push(error.message),
    };
    const sessions = store({ observer });
    const created = await sessions.create({ a: 1 }, { principal: 'eve' });
    const key = sessions.keys.session(created.id);
    await redis.send({ command: 'DEL', keys: [key], args: [key] });
    await redis.send({ command: 'SET', keys: [key], args: [key, 'x'] });

    expect(await sessions.load(created.id)).toBeNull();
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatch(/WRONGTYPE/);
    expect(await sessions.findByPrincipal('eve')).toEqual([]);
    const signedIn = await sessions.create({ b: 2 }, { principal: 'eve' });
    expect((await loaded(sessions, signedIn.id)).get('b')).toBe(2);
    // A revocation passes over it, and ends what it can.
    expect(await sessions.revokePrincipal('eve')).toBe(1);
    expect(await redis.send({ command: 'GET', keys: [key], args: [key] })).toBe('x');
  });
});
