import {
  createSessionStore,
  isSessError,
  type SessionStore,
  type SessionStoreOptions,
} from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import {
  createRecordingPort,
  type RecordingPort,
  type RedisServer,
  startRedis,
} from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createLiveSessions,
  type LiveEndReason,
  type LiveSessions,
  type LiveSessionsOptions,
} from '../src/index.js';
import { until } from './support/sockets.js';

// The registry of one process on a real (audited) Redis, without any WebSocket library: what
// it does with each event, with registrations that come after their session moved or ended,
// and how often activity costs a Redis call.

const TOUCH_INTERVAL = 200;

let redis: RedisServer;
const ports: NodeRedisPort[] = [];
const stores: SessionStore[] = [];
const lives: LiveSessions[] = [];
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis({ audit: true });
});

afterEach(async () => {
  await Promise.all(lives.splice(0).map((live) => live.close()));
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await Promise.all(ports.splice(0).map((port) => port.close()));
});

afterAll(async () => {
  await redis?.stop();
});

async function setUp(
  storeOptions: Partial<SessionStoreOptions> = {},
  liveOptions: Omit<LiveSessionsOptions, 'store'> = {},
): Promise<{ store: SessionStore; live: LiveSessions; recording: RecordingPort }> {
  const port = await createNodeRedisPort({ url: redis.url });
  ports.push(port);
  const recording = createRecordingPort(port);
  const store = createSessionStore({
    port: recording,
    prefix: `live:reg${++prefixes}`,
    touchInterval: TOUCH_INTERVAL,
    cleaner: false,
    ...storeOptions,
  });
  stores.push(store);
  const live = await createLiveSessions({ store, ...liveOptions });
  lives.push(live);
  return { store, live, recording };
}

/** A connection that records how it was ended. */
function connection(): { ended: LiveEndReason[]; end: (reason: LiveEndReason) => void } {
  const ended: LiveEndReason[] = [];
  return { ended, end: (reason) => ended.push(reason) };
}

/**
 * Waits until `live` has seen every event written so far: ends a probe session and waits for
 * its connection to close (a broadcast subscriber sees events in order).
 */
async function settled(store: SessionStore, live: LiveSessions): Promise<void> {
  const probe = await store.create({});
  const probeConnection = connection();
  live.register({}, { session: { id: probe.id, principal: undefined }, end: probeConnection.end });
  await store.destroy(probe);
  await until(() => probeConnection.ended.length === 1, 2_000, 'the probe ends');
}

function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('options', () => {
  it('refuses unknown keys, naming the fix, and a store whose event stream is off', async () => {
    const port = await createNodeRedisPort({ url: redis.url });
    ports.push(port);
    const store = createSessionStore({ port, prefix: 'live:opts', cleaner: false });
    stores.push(store);
    const attempts: Array<[Record<string, unknown>, RegExp]> = [
      [{ store, origins: 'any' }, /origins: give it to the helper/],
      [{ store, tuoch: false }, /tuoch: unknown option; did you mean `touch`\?/],
      [
        { store, closeCode: 3000 },
        /closeCode: expected 1008 or a code from 4000 to 4999; got 3000/,
      ],
      [{ store, touch: 'yes' }, /touch: expected a boolean/],
      [{ store: {} }, /store: expected a session store/],
    ];
    for (const [options, message] of attempts) {
      const error = await createLiveSessions(options as never).catch((caught: unknown) => caught);
      expect(isSessError(error, 'INVALID_OPTION')).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
    const quiet = createSessionStore({
      port,
      prefix: 'live:quiet',
      cleaner: false,
      eventStream: false,
    });
    stores.push(quiet);
    const error = await createLiveSessions({ store: quiet }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/event stream is off/);
  });

  it('refuses a registration without a session, a second one and one after close', async () => {
    const { store, live } = await setUp();
    const session = await store.create({});
    const socket = {};
    const end = () => {};
    expect(
      isSessError(
        failure(() => live.register({}, { session: { id: undefined, principal: undefined }, end })),
        'INVALID_VALUE',
      ),
    ).toBe(true);
    live.register(socket, { session, end });
    expect(
      isSessError(
        failure(() => live.register(socket, { session, end })),
        'INVALID_VALUE',
      ),
    ).toBe(true);
    await live.close();
    expect(
      isSessError(
        failure(() => live.register({}, { session, end })),
        'CLOSED',
      ),
    ).toBe(true);
  });
});

describe('events', () => {
  it('ends the connections of a destroyed, a revoked and an expired session, each with its reason', async () => {
    const clock = { now: Date.now() };
    const { store, live } = await setUp({
      now: () => clock.now,
      idleTimeout: 60_000,
      cleaner: { interval: 60_000, leaseTtl: 120_000 },
    });
    const destroyed = await store.create({}, { principal: 'ada' });
    const revoked = await store.create({}, { principal: 'bob' });
    const expired = await store.create({}, { principal: 'cy' });
    const kept = await store.create({}, { principal: 'dee' });
    const connections = [destroyed, revoked, expired, kept].map((session) => {
      const made = connection();
      live.register({}, { session, end: made.end });
      return made;
    });
    expect(live.stats).toMatchObject({ sessions: 4, connections: 4 });
    await store.destroy(destroyed);
    await store.revokePrincipal('bob');
    // Only `cy` goes past its idle timeout: the others are touched at the new time first.
    clock.now += 30_000;
    await store.commit((await store.load(kept.id))!);
    clock.now += 31_000;
    await store.cleaner?.runOnce();
    await until(() => connections.slice(0, 3).every((c) => c.ended.length > 0), 3_000, 'the ends');
    expect(connections.map((c) => c.ended)).toEqual([['destroyed'], ['revoked'], ['expired'], []]);
    expect(live.stats).toMatchObject({ sessions: 1, ended: 3 });
  });

  it('ends a connection registered after its session ended, on a later turn', async () => {
    const { store, live } = await setUp();
    const session = await store.create({}, { principal: 'ada' });
    await store.destroy(session);
    await settled(store, live);
    const late = connection();
    const registration = live.register({}, { session, end: late.end });
    expect(late.ended).toEqual([]);
    await until(() => late.ended.length === 1, 1_000, 'the late end');
    expect(late.ended).toEqual(['destroyed']);
    expect(registration.session.ended).toBe('destroyed');
  });

  it('follows a move made before the registration, and ends on the new id', async () => {
    const { store, live } = await setUp();
    const session = await store.create({}, { principal: 'ada' });
    const moved = await store.regenerate(session);
    await settled(store, live);
    const late = connection();
    const socket = {};
    live.register(socket, { session, end: late.end });
    expect(live.sessionOf(socket)).toMatchObject({ id: moved.id, principal: 'ada' });
    await store.destroy(moved);
    await until(() => late.ended.length === 1, 2_000, 'the end');
    expect(late.ended).toEqual(['destroyed']);
  });

  it('merges connections that registered on both sides of a move', async () => {
    const { store, live } = await setUp();
    const session = await store.create({}, { principal: 'ada' });
    const before = connection();
    live.register({}, { session, end: before.end });
    const moved = await store.regenerate(session);
    // The event may not be read yet: this connection registers on the new id directly.
    const after = connection();
    live.register({}, { session: moved, end: after.end });
    await until(() => live.stats.moved === 1, 2_000, 'the move');
    expect(live.stats).toMatchObject({ sessions: 1, connections: 2 });
    await store.destroy(moved);
    await until(() => before.ended.length + after.ended.length === 2, 2_000, 'both end');
  });

  it('ends with principal-changed a connection whose session signs in as someone else', async () => {
    const { store, live } = await setUp();
    const first = await store.create({}, { principal: 'ada' });
    const live1 = connection();
    live.register({}, { session: first, end: live1.end });
    await store.regenerate(first, { principal: 'mallory' });
    await until(() => live1.ended.length === 1, 2_000, 'the end');
    expect(live1.ended).toEqual(['principal-changed']);
    // The same, learned by a registration that comes after the sign-in.
    const second = await store.create({}, { principal: 'ada' });
    await store.regenerate(second, { principal: 'mallory' });
    await settled(store, live);
    const late = connection();
    live.register({}, { session: second, end: late.end });
    await until(() => late.ended.length === 1, 1_000, 'the late end');
    expect(late.ended).toEqual(['principal-changed']);
  });

  it('reports a connection whose end throws, and ends the others', async () => {
    const errors: string[] = [];
    const { store, live } = await setUp(
      {},
      { onError: (_error, context) => errors.push(context.phase) },
    );
    const session = await store.create({}, { principal: 'ada' });
    live.register(
      {},
      {
        session,
        end: () => {
          throw new Error('broken socket');
        },
      },
    );
    const other = connection();
    live.register({}, { session, end: other.end });
    await store.destroy(session);
    await until(() => other.ended.length === 1, 2_000, 'the other end');
    expect(errors).toEqual(['close']);
    expect(live.stats.errors).toBe(1);
  });
});

describe('keep-alive', () => {
  const loads = (recording: RecordingPort) =>
    recording.calls.filter((call) => call.name === 'HGETALL').length;
  const saves = (recording: RecordingPort) =>
    recording.calls.filter((call) => call.name === 'sess_save').length;

  it('costs a load and a commit at most once per touchInterval, however busy the connection', async () => {
    const { store, live, recording } = await setUp({ idleTimeout: 10_000 });
    const session = await store.create({}, { principal: 'ada' });
    const registration = live.register({}, { session, end: () => {} });
    recording.reset();
    for (let i = 0; i < 50; i++) registration.activity();
    await until(() => loads(recording) === 1, 1_000, 'the first check');
    // Just created: no touch due yet.
    expect(saves(recording)).toBe(0);
    const expiresBefore = (await store.load(session.id))!.expiresAt;
    recording.reset();
    // The interval is what is being tested: let it pass.
    await new Promise((resolve) => setTimeout(resolve, TOUCH_INTERVAL + 20));
    for (let i = 0; i < 50; i++) registration.activity();
    await until(() => live.stats.touches === 1, 1_000, 'the touch');
    expect(loads(recording)).toBe(1);
    expect(saves(recording)).toBe(1);
    expect((await store.load(session.id))!.expiresAt).toBeGreaterThan(expiresBefore);
    recording.reset();
    for (let i = 0; i < 50; i++) registration.activity();
    expect(recording.calls).toEqual([]);
  });

  it('reports a keep-alive Redis does not answer, and asks again only a touchInterval later', async () => {
    const errors: string[] = [];
    const { store, live, recording } = await setUp(
      { operationTimeout: 200, touchInterval: 5_000 },
      { onError: (_error, context) => errors.push(`${context.phase} ${context.sessionId}`) },
    );
    const session = await store.create({}, { principal: 'ada' });
    const registration = live.register({}, { session, end: () => {} });
    recording.reset();
    redis.pause();
    try {
      registration.activity();
      await until(() => errors.length === 1, 2_000, 'the failure');
      for (let i = 0; i < 20; i++) registration.activity();
    } finally {
      redis.resume();
    }
    expect(errors).toEqual([`touch ${session.id}`]);
    expect(loads(recording)).toBe(1);
  });

  it('costs nothing with touch: false', async () => {
    const { store, live, recording } = await setUp({}, { touch: false });
    const session = await store.create({}, { principal: 'ada' });
    const registration = live.register({}, { session, end: () => {} });
    recording.reset();
    await new Promise((resolve) => setTimeout(resolve, TOUCH_INTERVAL + 20));
    for (let i = 0; i < 10; i++) registration.activity();
    expect(recording.calls).toEqual([]);
  });
});
