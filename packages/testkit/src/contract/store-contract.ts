import {
  createSessionStore,
  isSessError,
  type RedisPort,
  type SessionRecord,
  type SessionStore,
  type SessionStoreOptions,
  sessionHandle,
} from '@sess/core';
import { type ContractContext, portTest, type TestKeys } from './contract-context.js';

const IDLE = 60_000;
const ABSOLUTE = 300_000;

/** A store on the port under test, with its own prefix and a clock the test moves. */
interface StoreFixture {
  readonly store: SessionStore;
  /** Moves the store's clock forward (ms). */
  advance(ms: number): void;
}

function openStore(
  port: RedisPort,
  keys: TestKeys,
  options: Partial<SessionStoreOptions> = {},
): StoreFixture {
  // The clock starts at real time: the session hashes get real PEXPIREATs, which must lie in
  // the future, and moving the clock never moves Redis' own.
  let clock = Date.now();
  const store = createSessionStore({
    port,
    prefix: `ct${keys.id}`,
    idleTimeout: IDLE,
    absoluteTimeout: ABSOLUTE,
    touchInterval: 1_000,
    now: () => clock,
    ...options,
  });
  return {
    store,
    advance(ms) {
      clock += ms;
    },
  };
}

/** Loads a session that must be there. */
async function live(store: SessionStore, id: string): Promise<SessionRecord> {
  const record = await store.load(id);
  if (!record) throw new Error(`session ${id} should load, but is gone`);
  return record;
}

/** SessionStore on the port: the same outcomes on every port that passes the rest. */
export function storeContract(ctx: ContractContext): void {
  const { expect } = ctx;

  portTest(ctx, 'create, then load the same attributes', async (port, keys) => {
    const { store } = openStore(port, keys);
    const created = await store.create({ user: 'ada', cart: { items: [1, 2] }, n: 3 });
    const loaded = await live(store, created.id);
    expect(loaded.id).toBe(created.id);
    expect(loaded.toObject()).toEqual({ user: 'ada', cart: { items: [1, 2] }, n: 3 });
    expect(await store.load(store.new().id)).toBeNull();
  });

  portTest(
    ctx,
    'commit saves a changed attribute; nothing changed is unchanged',
    async (port, keys) => {
      const { store } = openStore(port, keys);
      const created = await store.create({ user: 'ada', theme: 'light' });
      const first = await live(store, created.id);
      first.set('theme', 'dark');
      first.delete('user');
      expect(await store.commit(first)).toBe('saved');
      const second = await live(store, created.id);
      expect(second.toObject()).toEqual({ theme: 'dark' });
      expect(await store.commit(second)).toBe('unchanged');
      second.get('theme');
      expect(await store.commit(second)).toBe('unchanged');
    },
  );

  portTest(ctx, 'a nested mutation (push into a loaded array) is saved', async (port, keys) => {
    const { store } = openStore(port, keys);
    const created = await store.create({ cart: { items: ['a'] } });
    const loaded = await live(store, created.id);
    (loaded.get('cart') as { items: string[] }).items.push('b');
    expect(await store.commit(loaded)).toBe('saved');
    expect((await store.load(created.id))?.get('cart')).toEqual({ items: ['a', 'b'] });
  });

  portTest(
    ctx,
    'destroy: a later commit of the old record is gone, load stays null',
    async (port, keys) => {
      const { store } = openStore(port, keys);
      const created = await store.create({ user: 'ada' });
      const stale = await live(store, created.id);
      expect(await store.destroy(created.id)).toBe(true);
      expect(await store.destroy(created.id)).toBe(false);
      stale.set('user', 'eve');
      expect(await store.commit(stale)).toBe('gone');
      expect(await store.load(created.id)).toBeNull();
      expect(await store.count()).toBe(0);
    },
  );

  portTest(
    ctx,
    "regenerate keeps 'all', 'none' or listed attributes under a new id",
    async (port, keys) => {
      const { store } = openStore(port, keys);
      const cases = [
        ['all', { a: 1, b: 2, c: 3 }],
        ['none', {}],
        [['a', 'c'], { a: 1, c: 3 }],
      ] as const;
      for (const [keep, expected] of cases) {
        const old = await store.create({ a: 1, b: 2, c: 3 });
        const next = await store.regenerate(old, { keep });
        expect(next.id).not.toBe(old.id);
        expect(await store.load(old.id)).toBeNull();
        expect((await store.load(next.id))?.toObject()).toEqual(expected);
      }
      expect(await store.count()).toBe(3);
    },
  );

  portTest(
    ctx,
    'create with a principal, findByPrincipal, revokePrincipal with except',
    async (port, keys) => {
      const { store } = openStore(port, keys);
      const s1 = await store.create({ n: 1 }, { principal: 'bob' });
      const s2 = await store.create({ n: 2 }, { principal: 'bob' });
      const s3 = await store.create({ n: 3 }, { principal: 'bob' });
      const other = await store.create({ n: 4 }, { principal: 'carol' });
      expect(s1.principal).toBe('bob');
      const found = await store.findByPrincipal('bob');
      expect(found.map((record) => record.id).sort()).toEqual([s1.id, s2.id, s3.id].sort());
      expect(found.every((record) => record.principal === 'bob')).toBe(true);
      expect(await store.findByPrincipal('nobody')).toEqual([]);

      expect(await store.revokePrincipal('bob', { except: s2.id })).toBe(2);
      expect((await store.findByPrincipal('bob')).map((record) => record.id)).toEqual([s2.id]);
      expect(await store.load(s1.id)).toBeNull();
      expect(await store.load(s3.id)).toBeNull();
      expect((await store.load(other.id))?.principal).toBe('carol');
      expect(await store.count()).toBe(2);
    },
  );

  portTest(ctx, 'count() counts live sessions', async (port, keys) => {
    const { store } = openStore(port, keys);
    expect(await store.count()).toBe(0);
    const sessions = await Promise.all([1, 2, 3, 4, 5].map((n) => store.create({ n })));
    expect(await store.count()).toBe(5);
    await store.destroy(sessions[0]?.id ?? '');
    expect(await store.count()).toBe(4);
  });

  portTest(
    ctx,
    'idle expiry: past idleTimeout, load, count and findByPrincipal see nothing',
    async (port, keys) => {
      const fixture = openStore(port, keys);
      const { store } = fixture;
      const idle = await store.create({ n: 1 }, { principal: 'dave' });
      fixture.advance(IDLE - 1_000);
      expect(await store.load(idle.id)).not.toBeNull();
      expect(await store.count()).toBe(1);
      fixture.advance(1_001);
      expect(await store.load(idle.id)).toBeNull();
      expect(await store.count()).toBe(0);
      expect(await store.findByPrincipal('dave')).toEqual([]);
    },
  );

  portTest(
    ctx,
    'activity extends the idle expiry, never past absoluteTimeout',
    async (port, keys) => {
      const fixture = openStore(port, keys);
      const { store } = fixture;
      const created = await store.create({ n: 1 });
      // Touch every 50 s: idle expiry keeps moving, the absolute deadline does not.
      for (let elapsed = 50_000; elapsed < ABSOLUTE; elapsed += 50_000) {
        fixture.advance(50_000);
        const loaded = await live(store, created.id);
        expect(await store.commit(loaded)).toBe('saved');
      }
      fixture.advance(49_999);
      expect(await store.load(created.id)).not.toBeNull();
      fixture.advance(2);
      expect(await store.load(created.id)).toBeNull();
      expect(await store.count()).toBe(0);
    },
  );

  portTest(
    ctx,
    "maxSessionsPerPrincipal 3, onLimit 'reject': 4 concurrent sign-ins leave 3",
    async (port, keys) => {
      const { store } = openStore(port, keys, { maxSessionsPerPrincipal: 3, onLimit: 'reject' });
      const results = await Promise.allSettled(
        [1, 2, 3, 4].map((n) => store.create({ n }, { principal: 'erin' })),
      );
      const rejected = results.filter((result) => result.status === 'rejected');
      expect(rejected).toHaveLength(1);
      const reason = (rejected[0] as PromiseRejectedResult).reason;
      expect(isSessError(reason, 'LIMIT_REACHED')).toBe(true);
      expect(await store.findByPrincipal('erin')).toHaveLength(3);
      expect(await store.count()).toBe(3);
    },
  );

  portTest(
    ctx,
    "maxSessionsPerPrincipal 3, onLimit 'evict-oldest': 4 concurrent sign-ins leave 3",
    async (port, keys) => {
      const { store } = openStore(port, keys, {
        maxSessionsPerPrincipal: 3,
        onLimit: 'evict-oldest',
      });
      const results = await Promise.allSettled(
        [1, 2, 3, 4].map((n) => store.create({ n }, { principal: 'frank' })),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(4);
      const live = await store.findByPrincipal('frank');
      expect(live).toHaveLength(3);
      expect(await store.count()).toBe(3);
    },
  );
  portTest(
    ctx,
    'take: of concurrent takes of one attribute exactly one gets it; an ended session gives nothing',
    async (port, keys) => {
      const { store } = openStore(port, keys);
      const created = await store.create({ state: 'once', other: 1 });
      const loaded = await Promise.all([1, 2, 3, 4, 5].map(() => live(store, created.id)));
      const taken = await Promise.all(loaded.map((record) => store.take(record, 'state')));
      expect(taken.filter((value) => value !== undefined)).toEqual(['once']);
      expect((await live(store, created.id)).toObject()).toEqual({ other: 1 });
      await store.destroy(created.id);
      expect(await store.take(created.id, 'other')).toBe(undefined);
    },
  );

  portTest(
    ctx,
    "revokeSession ends the principal's session its handle names, and no one else's",
    async (port, keys) => {
      const { store } = openStore(port, keys);
      const mine = await store.create(
        {},
        { principal: 'gwen', device: { userAgent: 'phone', address: '203.0.113.9' } },
      );
      const theirs = await store.create({}, { principal: 'hal' });
      const { device } = await live(store, mine.id);
      expect([device?.userAgent, device?.address]).toEqual(['phone', '203.0.113.0/24']);
      expect(await store.revokeSession('gwen', sessionHandle(theirs.id))).toBe(false);
      expect(await store.revokeSession('gwen', sessionHandle(mine.id))).toBe(true);
      expect(await store.load(mine.id)).toBeNull();
      expect(await store.load(theirs.id)).not.toBeNull();
      expect(await store.count()).toBe(1);
    },
  );
}
