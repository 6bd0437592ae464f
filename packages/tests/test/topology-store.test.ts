import {
  createSessionStore,
  isSessError,
  type ReplicationShortfall,
  type SessionEvent,
  type SessionStore,
  type SessionStoreOptions,
} from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import {
  createRecordingPort,
  keySlot,
  type RedisClusterSet,
  type RedisSentinelSet,
  type RedisServer,
  startRedisCluster,
  startRedisSentinel,
} from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_CREDENTIALS, appUserArgs } from './least-privilege.js';
import { until } from './topology-support.js';

// The repository, the cleaner and session events on Sentinel and on Cluster, through
// @sess/node-redis, with every command audited on every data server: the behaviour
// repository.test.ts and cleaner-events.test.ts show on standalone, the same round trips, and
// on Cluster sessions and expiry buckets spread over every master, with no CROSSSLOT anywhere.
// The application signs in as the least-privilege user of docs/production/least-privilege.md.

interface Topology {
  readonly name: string;
  start(): Promise<void>;
  connect(): Promise<NodeRedisPort>;
  /** The master that holds `key` now, or undefined where there is one master. */
  masterFor(key: string): Promise<RedisServer | undefined>;
  readonly masters: number;
  violations(): Promise<string[]>;
  stop(): Promise<void>;
}

let sentinel: RedisSentinelSet;
let cluster: RedisClusterSet;

const topologies: Topology[] = [
  {
    name: 'Sentinel',
    masters: 1,
    async start() {
      sentinel = await startRedisSentinel({ audit: true, args: appUserArgs() });
    },
    connect: () =>
      createNodeRedisPort({
        sentinel: { name: sentinel.masterName, nodes: sentinel.nodes, ...APP_CREDENTIALS },
        onError: () => {},
      }),
    masterFor: async () => undefined,
    violations: async () => (await sentinel.audit()).violations,
    stop: () => sentinel?.stop(),
  },
  {
    name: 'Cluster',
    masters: 3,
    async start() {
      cluster = await startRedisCluster({ audit: true, args: appUserArgs() });
    },
    connect: () =>
      createNodeRedisPort({
        cluster: { rootNodes: cluster.rootNodes, ...APP_CREDENTIALS },
        onError: () => {},
      }),
    masterFor: (key) => cluster.masterFor(key),
    violations: async () => (await cluster.audit()).violations,
    stop: () => cluster?.stop(),
  },
];

describe.each(topologies)('$name', (topology) => {
  const ports: NodeRedisPort[] = [];
  const stores: SessionStore[] = [];
  let prefixes = 0;

  beforeAll(() => topology.start(), 60_000);
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(ports.splice(0).map((port) => port.close()));
  });
  afterAll(() => topology.stop(), 30_000);

  async function connect(): Promise<NodeRedisPort> {
    const port = await topology.connect();
    ports.push(port);
    return port;
  }

  async function open(
    options: Partial<SessionStoreOptions> = {},
    port?: SessionStoreOptions['port'],
  ): Promise<SessionStore> {
    const store = createSessionStore({
      port: port ?? (await connect()),
      prefix: `sess:${topology.name.toLowerCase()}${++prefixes}`,
      cleaner: false,
      ...options,
    });
    stores.push(store);
    return store;
  }

  it('round trips as on one server: create 1, load 1, commit 1, count 1, destroy 2', async () => {
    const port = createRecordingPort(await connect());
    const sessions = await open({}, port);
    const created = await sessions.create({ a: 1 });
    expect(port.roundTrips).toBe(1);
    port.reset();
    const loaded = await sessions.load(created.id);
    expect(port.roundTrips).toBe(1);
    loaded?.set('b', 2);
    port.reset();
    expect(await sessions.commit(loaded!)).toBe('saved');
    expect(port.roundTrips).toBe(1);
    port.reset();
    expect(await sessions.count()).toBe(1);
    expect(port.roundTrips).toBe(1);
    port.reset();
    expect(await sessions.destroy(created.id)).toBe(true);
    expect(port.roundTrips).toBe(2);
    expect(await sessions.load(created.id)).toBeNull();
  });

  it('keeps 20 concurrent changes to different attributes; a commit after destroy is gone', async () => {
    const sessions = await open();
    const created = await sessions.create();
    const copies = await Promise.all(Array.from({ length: 20 }, () => sessions.load(created.id)));
    await Promise.all(
      copies.map((copy, i) => {
        copy?.set(`k${i}`, i);
        return sessions.commit(copy!);
      }),
    );
    expect((await sessions.load(created.id))?.names()).toHaveLength(20);
    const stale = await sessions.load(created.id);
    await sessions.destroy(created.id);
    stale?.set('late', true);
    expect(await sessions.commit(stale!)).toBe('gone');
    expect(await sessions.load(created.id)).toBeNull();
  });

  it('principals: find, revoke but one, and maxSessionsPerPrincipal under concurrent sign-ins', async () => {
    const sessions = await open({ maxSessionsPerPrincipal: 3, onLimit: 'reject' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () => sessions.create({ n: 1 }, { principal: 'erin' })),
    );
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(isSessError((rejected[0] as PromiseRejectedResult).reason, 'LIMIT_REACHED')).toBe(true);
    const found = await sessions.findByPrincipal('erin');
    expect(found).toHaveLength(3);
    const kept = found[1]!.id;
    expect(await sessions.revokePrincipal('erin', { except: kept })).toBe(2);
    expect((await sessions.findByPrincipal('erin')).map((s) => s.id)).toEqual([kept]);
    expect(await sessions.count()).toBe(1);
  });

  it('regenerate moves the attributes to a new id; the old id is gone', async () => {
    const sessions = await open();
    const created = await sessions.create({ a: 1, b: 2 });
    const next = await sessions.regenerate(created, { keep: ['b'], principal: 'fay' });
    expect(await sessions.load(created.id)).toBeNull();
    expect((await sessions.load(next.id))?.toObject()).toEqual({ b: 2 });
    expect((await sessions.findByPrincipal('fay')).map((s) => s.id)).toEqual([next.id]);
  });

  it('waitForReplicas: a replica acknowledges; asking for more replicas than exist is reported', async () => {
    const durable = await open({ waitForReplicas: { replicas: 1, timeoutMs: 300 } });
    const created = await durable.create({ a: 1 }, { principal: 'gus' });
    expect(await durable.destroy(created.id)).toBe(true);

    const shortfalls: ReplicationShortfall[] = [];
    const hopeful = await open({
      waitForReplicas: { replicas: 5, timeoutMs: 50, onShortfall: (s) => shortfalls.push(s) },
    });
    const kept = await hopeful.create({ a: 1 });
    expect(shortfalls).toHaveLength(1);
    expect(shortfalls[0]).toMatchObject({ operation: 'create', ids: [kept.id], replicas: 5 });
    expect(shortfalls[0]!.acknowledged).toBeGreaterThanOrEqual(1);
    expect(shortfalls[0]!.acknowledged).toBeLessThan(5);

    const strict = await open({ waitForReplicas: { replicas: 5, timeoutMs: 50 } });
    const session = await strict.create({ a: 1 }).catch((error: unknown) => error);
    expect(isSessError(session, 'NOT_REPLICATED')).toBe(true);
  });

  it('the cleaner: one leader among three instances; one expired event per session per group', async () => {
    const prefix = `sess:${topology.name.toLowerCase()}${++prefixes}`;
    const common = {
      prefix,
      idleTimeout: 600,
      touchInterval: 50,
      operationTimeout: 500,
    } as const;
    const received: SessionEvent[] = [];
    const consumer = await open({ ...common });
    await consumer.subscribe({
      mode: 'group',
      group: 'g',
      block: 200,
      types: ['expired'],
      handler: (event) => {
        received.push(event);
      },
    });
    const apps: SessionStore[] = [];
    for (let i = 0; i < 3; i++) {
      apps.push(await open({ ...common, cleaner: { interval: 100, leaseTtl: 600 } }));
    }
    const [first] = apps as [SessionStore, ...SessionStore[]];
    const expiring = [];
    for (let i = 0; i < 30; i++) expiring.push(await first.create({ i }, { principal: `p${i}` }));
    const destroyed = await first.create({ gone: true });
    await first.destroy(destroyed);
    const ids = expiring.map((session) => session.id);
    await until('every expired event', 10_000, () =>
      ids.every((id) => received.some((event) => event.id === id)),
    );
    await until('a leader', 2_000, () => apps.some((app) => app.cleaner?.leader === true));
    expect(apps.filter((app) => app.cleaner?.leader === true)).toHaveLength(1);
    const perId = new Map<string, number>();
    for (const event of received) perId.set(event.id, (perId.get(event.id) ?? 0) + 1);
    expect([...perId.keys()].sort()).toEqual([...ids].sort());
    expect([...perId.values()].every((count) => count === 1)).toBe(true);
    expect(await first.count()).toBe(0);
  }, 20_000);

  it.runIf(topology.masters > 1)(
    'spreads sessions, expiry buckets and principal indexes over every master; the stream and the lease sit on one slot each',
    async () => {
      const sessions = await open();
      const created = await Promise.all(
        Array.from({ length: 60 }, (_, i) => sessions.create({ i }, { principal: `u${i}` })),
      );
      const ofKeys = async (keys: readonly string[]) =>
        new Set(await Promise.all(keys.map(async (key) => (await topology.masterFor(key))?.port)));
      expect((await ofKeys(created.map((s) => sessions.keys.session(s.id)))).size).toBe(3);
      expect((await ofKeys(sessions.keys.buckets)).size).toBe(3);
      expect(
        (await ofKeys(created.map((s) => sessions.keys.principal(`u${created.indexOf(s)}`)))).size,
      ).toBe(3);
      // Everything one session's scripts touch shares its slot.
      const id = created[0]!.id;
      expect(keySlot(sessions.keys.session(id))).toBe(keySlot(`{${id}}`));
      expect(keySlot(sessions.keys.events)).toBe(keySlot('{events}'));
      expect(keySlot(sessions.keys.lease)).toBe(keySlot('{cleaner}'));
      expect(await sessions.count()).toBe(60);
    },
  );

  it('the audit saw no forbidden command and no keys across slots, on any server', async () => {
    expect(await topology.violations()).toEqual([]);
  });
});
