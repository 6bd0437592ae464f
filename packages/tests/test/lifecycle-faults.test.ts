import {
  createSessionStore,
  type SessionEvent,
  type SessionObserver,
  type SessionRecord,
  type SessionStore,
} from '@sess/core';
import { parseEntry } from '@sess/core/internal';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fault, FaultPort } from './fault-port.js';

// Every operation that writes, moves or ends a session, with a fault injected at each of its
// round trips: Redis out of memory (noeviction), the server paused past the deadline, the
// connection killed, a reply lost after Redis ran the calls, calls lost before they went out.
// Once the fault heals (and this instance has finished what the fault cut short), nothing has
// come back to life, nothing a client holds is lost, and the count, the principal index, the
// expiry index and the event stream all agree with what is alive.

const MAX_MEMORY = 32 * 1024 * 1024;
const DEADLINE = 250;

let server: RedisServer;
let redis: NodeRedisPort;
let admin: NodeRedisPort;
let clock: number;
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis({
    audit: true,
    args: ['--maxmemory', String(MAX_MEMORY), '--maxmemory-policy', 'noeviction'],
  });
  redis = await createNodeRedisPort({ url: server.url, onError: () => {} });
  admin = await createNodeRedisPort({ url: server.url, onError: () => {} });
});

afterAll(async () => {
  if (server?.paused) server.resume();
  await redis?.close();
  await admin?.close();
  await server?.stop();
});

/** Fills Redis past `maxmemory`: from now on it refuses writes that need memory (OOM). */
async function fillMemory(): Promise<void> {
  await admin.send({
    command: 'SETRANGE',
    keys: ['filler'],
    args: ['filler', MAX_MEMORY, 'x'],
  });
}

async function freeMemory(): Promise<void> {
  await admin.send({ command: 'DEL', keys: ['filler'], args: ['filler'] });
}

async function killConnection(): Promise<void> {
  const id = await redis.send({ command: 'CLIENT', keys: [], args: ['ID'] });
  await admin.send({ command: 'CLIENT', keys: [], args: ['KILL', 'ID', String(id)] });
}

interface FaultCase {
  readonly fault: Fault;
  readonly heal: () => Promise<void> | void;
}

const FAULTS: Record<string, FaultCase> = {
  'out of memory': { fault: { kind: 'around', before: fillMemory }, heal: freeMemory },
  'paused past the deadline': {
    fault: { kind: 'around', before: () => server.pause() },
    heal: () => server.resume(),
  },
  'connection killed': { fault: { kind: 'around', before: killConnection }, heal: () => {} },
  'reply lost': { fault: { kind: 'lost-after' }, heal: () => {} },
  'calls never sent': { fault: { kind: 'lost-before' }, heal: () => {} },
};

interface Harness {
  readonly sessions: SessionStore;
  readonly faults: FaultPort;
  readonly failedEvents: string[];
}

function harness(options: Partial<Parameters<typeof createSessionStore>[0]> = {}): Harness {
  const faults = new FaultPort(redis);
  const failedEvents: string[] = [];
  const observer: SessionObserver = {
    eventWriteFailed: (type, count) => failedEvents.push(`${type}×${count}`),
  };
  const sessions = createSessionStore({
    port: faults,
    prefix: `f${++prefixes}`,
    now: () => clock,
    cleaner: false,
    operationTimeout: DEADLINE,
    observer,
    ...options,
  });
  return { sessions, faults, failedEvents };
}

/** Heals the fault and waits (polling, with a deadline) until the store has nothing pending. */
async function healed(h: Harness, fault: FaultCase): Promise<void> {
  h.faults.disarm();
  await fault.heal();
  const until = Date.now() + 10_000;
  // A killed connection takes a moment to come back.
  while (!(await redis.send({ command: 'PING', keys: [], args: [] }).catch(() => false))) {
    if (Date.now() > until) throw new Error('the connection did not come back');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  while (h.sessions.pendingRepairs > 0) {
    if (Date.now() > until) throw new Error(`${h.sessions.pendingRepairs} repairs still pending`);
    await h.sessions.repairNow();
    if (h.sessions.pendingRepairs > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Ids the store created sessions for (from the calls of the create script). */
function createdIds(h: Harness): string[] {
  return h.faults.roundTrips
    .flat()
    .filter((call) => 'script' in call && call.script.name === 'sess_create')
    .map((call) => /\{(.+)\}$/.exec(call.keys[0] ?? '')?.[1] ?? '');
}

async function indexed(h: Harness): Promise<string[]> {
  const members = await Promise.all(
    h.sessions.keys.buckets.map((bucket) =>
      admin.send({ command: 'ZRANGE', keys: [bucket], args: [bucket, 0, -1] }),
    ),
  );
  return (members.flat() as string[]).sort();
}

async function events(h: Harness): Promise<SessionEvent[]> {
  const stream = h.sessions.keys.events;
  const entries = (await admin.send({
    command: 'XRANGE',
    keys: [stream],
    args: [stream, '-', '+'],
  })) as Array<[string, string[]]>;
  return entries.flatMap(([, fields]) => parseEntry(fields) ?? []);
}

/**
 * What every scenario must end with: exactly `alive` are live sessions (loadable, counted,
 * indexed, listed for their principal); every other session the store created is gone
 * without a trace; and once the live ones are ended too, every session a client held has an
 * event that ends it (or moves it on).
 */
async function expectConverged(
  h: Harness,
  alive: ReadonlyArray<SessionRecord>,
  heldByClients: readonly string[],
): Promise<void> {
  const { sessions } = h;
  const liveIds = alive.map((record) => record.id).sort();
  for (const id of new Set([...createdIds(h), ...heldByClients])) {
    const loaded = await sessions.load(id);
    expect(loaded !== null, `session ${id} alive`).toBe(liveIds.includes(id));
  }
  expect(await sessions.count()).toBe(liveIds.length);
  expect(await indexed(h)).toEqual(liveIds);
  const principals = new Set(
    alive.map((record) => record.principal).filter((p) => p !== undefined),
  );
  for (const principal of ['ann', 'bob', ...principals]) {
    const listed = (await sessions.findByPrincipal(principal as string)).map((r) => r.id).sort();
    const expected = alive
      .filter((r) => r.principal === principal)
      .map((r) => r.id)
      .sort();
    expect(listed, `sessions of ${principal}`).toEqual(expected);
  }
  for (const record of alive) await sessions.destroy(record.id);
  await sessions.repairNow();
  const seen = await events(h);
  const ends = (id: string) =>
    seen.some(
      (event) =>
        event.id === id && ['destroyed', 'revoked', 'expired', 'regenerated'].includes(event.type),
    );
  for (const id of heldByClients) expect(ends(id), `an event ending ${id}`).toBe(true);
  // A `created` event goes out with its creation: one whose creation failed is ended too.
  for (const event of seen.filter((entry) => entry.type === 'created')) {
    expect(ends(event.id), `an event ending the created ${event.id}`).toBe(true);
  }
}

/** Runs `operation`, with the fault on its `step`-th round trip; returns what it returned or threw. */
async function withFault<T>(
  h: Harness,
  step: number,
  fault: FaultCase,
  operation: () => Promise<T>,
): Promise<{ value?: T; error?: unknown; struck: boolean }> {
  h.faults.arm(step, fault.fault);
  try {
    return { value: await operation(), struck: h.faults.struck };
  } catch (error) {
    return { error, struck: h.faults.struck };
  } finally {
    if (server.paused) server.resume();
  }
}

async function stored(sessions: SessionStore, id: string): Promise<SessionRecord> {
  const record = await sessions.load(id);
  if (record === null) throw new Error(`no session ${id}`);
  return record;
}

const CASES = Object.entries(FAULTS);

describe.each(CASES)('%s', (_, fault) => {
  it.each([1, 2, 3])('sign-in of an anonymous session, fault at round trip %i', async (step) => {
    clock = Date.now();
    const h = harness();
    const old = await h.sessions.create({ cart: 'three items' });
    const copy = await stored(h.sessions, old.id);
    const outcome = await withFault(h, step, fault, () =>
      h.sessions.regenerate(copy, { principal: 'ann' }),
    );
    expect(outcome.struck).toBe(true);
    await healed(h, fault);
    // Either the old session is still there, or the new one was handed out: never neither.
    if (outcome.value !== undefined) {
      const next = await stored(h.sessions, outcome.value.id);
      expect(next.get('cart')).toBe('three items');
      expect(next.principal).toBe('ann');
      await expectConverged(h, [next], [old.id, next.id]);
    } else {
      expect((await stored(h.sessions, old.id)).get('cart')).toBe('three items');
      await expectConverged(h, [await stored(h.sessions, old.id)], [old.id]);
    }
  });

  it.each([1, 2, 3])('regenerate of a signed-in session, fault at round trip %i', async (step) => {
    clock = Date.now();
    const h = harness();
    const old = await h.sessions.create({ role: 'admin' }, { principal: 'bob' });
    const copy = await stored(h.sessions, old.id);
    const outcome = await withFault(h, step, fault, () => h.sessions.regenerate(copy));
    expect(outcome.struck).toBe(true);
    await healed(h, fault);
    if (outcome.value !== undefined) {
      const next = await stored(h.sessions, outcome.value.id);
      expect(next.get('role')).toBe('admin');
      await expectConverged(h, [next], [old.id, next.id]);
    } else {
      await expectConverged(h, [await stored(h.sessions, old.id)], [old.id]);
    }
  });

  it.each([1, 2, 3, 4, 5])(
    'sign-in that ends the oldest session of its principal (limit 1), fault at round trip %i',
    async (step) => {
      clock = Date.now();
      const h = harness({ maxSessionsPerPrincipal: 1 });
      const first = await h.sessions.create({ device: 'laptop' }, { principal: 'ann' });
      const anonymous = await h.sessions.create({ device: 'phone' });
      const copy = await stored(h.sessions, anonymous.id);
      const outcome = await withFault(h, step, fault, () =>
        h.sessions.regenerate(copy, { principal: 'ann' }),
      );
      await healed(h, fault);
      if (outcome.value !== undefined) {
        const next = await stored(h.sessions, outcome.value.id);
        await expectConverged(h, [next], [first.id, anonymous.id, next.id]);
      } else {
        // The sign-in failed: the phone's anonymous session is as it was. The laptop's may have
        // been ended by the limit already (the claim went through) or not.
        const laptop = await h.sessions.load(first.id);
        const alive = [await stored(h.sessions, anonymous.id), ...(laptop ? [laptop] : [])];
        await expectConverged(h, alive, [first.id, anonymous.id]);
      }
    },
  );

  it.each([1])('sign-in without a session before, fault at round trip %i', async (step) => {
    clock = Date.now();
    const h = harness();
    const outcome = await withFault(h, step, fault, () =>
      h.sessions.create({ a: 1 }, { principal: 'ann' }),
    );
    expect(outcome.struck).toBe(true);
    await healed(h, fault);
    if (outcome.value !== undefined) {
      await expectConverged(h, [await stored(h.sessions, outcome.value.id)], [outcome.value.id]);
    } else {
      await expectConverged(h, [], []);
    }
  });

  it('a first write (anonymous create), fault at its round trip', async () => {
    clock = Date.now();
    const h = harness();
    const outcome = await withFault(h, 1, fault, () => h.sessions.create({ a: 1 }));
    await healed(h, fault);
    if (outcome.value !== undefined) {
      await expectConverged(h, [await stored(h.sessions, outcome.value.id)], [outcome.value.id]);
    } else {
      await expectConverged(h, [], []);
    }
  });

  it.each([1, 2])('sign-out, fault at round trip %i: the session ends either way', async (step) => {
    clock = Date.now();
    const h = harness();
    const created = await h.sessions.create({ a: 1 }, { principal: 'ann' });
    const copy = await stored(h.sessions, created.id);
    await withFault(h, step, fault, () => h.sessions.destroy(copy, 'sign-out'));
    await healed(h, fault);
    await expectConverged(h, [], [created.id]);
  });

  it.each([1, 2, 3])(
    'revoke everywhere, fault at round trip %i: every session ends',
    async (step) => {
      clock = Date.now();
      const h = harness();
      const ids = [];
      for (let i = 0; i < 3; i++)
        ids.push((await h.sessions.create({ i }, { principal: 'ann' })).id);
      const other = await h.sessions.create({ b: 1 }, { principal: 'bob' });
      await withFault(h, step, fault, () => h.sessions.revokePrincipal('ann'));
      await healed(h, fault);
      if ((await h.sessions.findByPrincipal('ann')).length > 0) {
        // The listing itself failed (round trip 1): nothing was ended, the caller was told so.
        expect(step).toBe(1);
        await h.sessions.revokePrincipal('ann');
      }
      await expectConverged(h, [await stored(h.sessions, other.id)], [...ids, other.id]);
    },
  );
});

describe('Redis out of memory (noeviction)', () => {
  it('a sign-out succeeds, and its event, refused at first, is written once memory is back', async () => {
    clock = Date.now();
    const h = harness();
    const created = await h.sessions.create({ a: 1 }, { principal: 'ann' });
    await fillMemory();
    try {
      expect(await h.sessions.destroy(created.id, 'sign-out')).toBe(true);
      expect(await h.sessions.load(created.id)).toBeNull();
      expect(h.failedEvents).toEqual(['destroyed×1']);
      expect(h.sessions.pendingRepairs).toBe(1);
    } finally {
      await freeMemory();
    }
    await healed(h, FAULTS['out of memory'] as FaultCase);
    expect((await events(h)).filter((event) => event.type === 'destroyed')).toHaveLength(1);
  });

  it('the cleaner resumes within one lease period once writes are possible again', async () => {
    clock = Date.now();
    const leaseTtl = 1_500;
    const h = harness({
      cleaner: { interval: 200, leaseTtl },
      idleTimeout: 60_000,
      touchInterval: 1_000,
    });
    const errors: string[] = [];
    const cleaner = h.sessions.cleaner;
    if (!cleaner) throw new Error('the cleaner is on');
    cleaner.on('error', (error) => errors.push(error.message));
    await h.sessions.create({ a: 1 });
    clock += 61_000; // expired: the cleaner's next ticks want to write its event
    await fillMemory();
    let freedAt = 0;
    try {
      const until = Date.now() + 5_000;
      while (errors.length < 2 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(errors.join('\n')).toMatch(/OOM/);
    } finally {
      await freeMemory();
      freedAt = performance.now();
    }
    const expired = new Promise<number>((resolve) =>
      cleaner.on('tick', (report) => {
        if (report.expired > 0) resolve(performance.now());
      }),
    );
    const resumedAt = await expired;
    expect(resumedAt - freedAt).toBeLessThan(leaseTtl);
    await h.sessions.close();
  });
});
