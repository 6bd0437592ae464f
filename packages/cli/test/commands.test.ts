import { randomUUID } from 'node:crypto';
import { createSessionStore, type SessionStore } from '@sess/core';
import { createHttpSessions } from '@sess/core/adapter';
import { newSessionId } from '@sess/core/internal';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSess, runSessHere, runSessHereJson, runSessJson } from './support/run-sess.js';

let server: RedisServer;
let port: NodeRedisPort;
const stores: SessionStore[] = [];
const CURRENT_SECRET = 'the current secret, 32 characters or more';
const OLDER_SECRET = 'the older secret, 32 characters or more';

beforeAll(async () => {
  server = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: server.url });
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await port?.close();
  // Rejects if anything (the CLI included) sent KEYS, SCAN, SMEMBERS, CONFIG, FLUSH*, DEBUG, RENAME.
  await server?.stop();
});

/** A store of the test's own, on a prefix no other test uses, and the CLI options that match it. */
function setUp(options: { now?: () => number; cleaner?: boolean } = {}) {
  const prefix = `c${randomUUID().slice(0, 8)}`;
  const store = createSessionStore({
    port,
    prefix,
    buckets: 8,
    now: options.now,
    cleaner: options.cleaner ? { interval: 60_000, leaseTtl: 120_000 } : false,
  });
  stores.push(store);
  return { store, prefix, cli: ['--url', server.url, '--prefix', prefix, '--buckets', '8'] };
}

interface StatsJson {
  sessions: { active: number; due: number };
  buckets: Array<{ key: string; live: number; due: number; oldestDue: number | null }>;
  cleaner: { holder: string | null; leaseTtlMs: number | null; lagMs: number; due: number };
  events: {
    stream: string;
    length: number;
    groups: Array<{ name: string; pending: number; consumers: number }>;
  };
  redis: { version: string; maxmemoryPolicy: string; opsPerSec: number; usedMemory: number };
}

describe.concurrent('sess stats', () => {
  it('shows sessions, bucket spread, cleaner lease and lag, event groups and Redis figures', async () => {
    let clock = Date.now() - 3_600_000;
    const { store, prefix, cli } = setUp({ now: () => clock, cleaner: true });
    // Sign-ins, so that each creation is in the event stream.
    await store.create({ a: 1 }, { principal: 'ada' }); // expires after 30 min: due for half an hour by now
    clock = Date.now();
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.create({ a: 2 }, { principal: `p${i}` })),
    );
    await port.send({
      command: 'XGROUP',
      keys: [store.keys.events],
      args: ['CREATE', store.keys.events, 'mailer', '0', 'MKSTREAM'],
    });

    const { code, json } = await runSessJson<StatsJson>(['stats', ...cli]);
    expect(code).toBe(0);
    expect(json.sessions).toEqual({ active: 5, due: 1 });
    expect(json.buckets).toHaveLength(8);
    expect(json.buckets.reduce((sum, bucket) => sum + bucket.live, 0)).toBe(5);
    expect(json.cleaner.holder).toBeNull();
    expect(json.cleaner.lagMs).toBeGreaterThan(29 * 60_000);
    expect(json.events.stream).toBe(`${prefix}:{events}`);
    expect(json.events.length).toBe(6);
    expect(json.events.groups).toEqual([
      expect.objectContaining({ name: 'mailer', pending: 0, consumers: 0 }),
    ]);
    expect(json.redis.version).toMatch(/^\d+\.\d+/);
    expect(json.redis.maxmemoryPolicy).toBe('noeviction');
    expect(json.redis.usedMemory).toBeGreaterThan(0);

    // An instance's cleaner takes the lease: stats names its holder and the time left.
    expect((await store.cleaner!.runOnce()).leader).toBe(true);
    const text = await runSessHere(['stats', ...cli]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Active sessions\s+5$/m);
    expect(text.stdout).toMatch(/^Cleaner lease\s+held by \S+, [\d.]+ (s|min)/m);
    expect(text.stdout).toMatch(/^Cleanup lag\s+none: nothing is due$/m);
    expect(text.stdout).toMatch(/^mailer\s+0\s+0\s+7\s+0-0$/m);
    expect(text.stdout).toMatch(/^maxmemory-policy\s+noeviction$/m);
    expect(text.stdout).toMatch(/^Ops per second\s+\d+$/m);
  });
});

describe.concurrent('sess inspect', () => {
  it('shows a live session: meta data and decoded attributes', async () => {
    const { store, cli } = setUp();
    const record = await store.create(
      { cart: { items: [1, 2] }, theme: 'dark' },
      { principal: 'ada' },
    );

    const { code, json } = await runSessJson(['inspect', record.id, ...cli]);
    expect(code).toBe(0);
    expect(json).toMatchObject({
      id: record.id,
      found: true,
      state: 'live',
      indexedUntil: record.expiresAt,
      meta: { principal: 'ada', expiresAt: record.expiresAt },
      attributes: { cart: { items: [1, 2] }, theme: 'dark' },
    });
    const text = await runSessHere(['inspect', record.id, ...cli]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^State\s+live$/m);
    expect(text.stdout).toMatch(/^Principal\s+ada$/m);
    expect(text.stdout).toMatch(/^cart\s+\{"items":\[1,2\]\}$/m);
    expect(text.stdout).toMatch(/^Expiry index\s+.*matches the expiry$/m);
  });

  it('tells an expired session waiting for the cleaner from a missing one (exit 1)', async () => {
    let clock = Date.now() - 3_600_000;
    const { store, cli } = setUp({ now: () => clock });
    // idle 30 min + grace 10 min: an hour later, Redis has deleted it; 35 min later, not yet.
    clock = Date.now() - 35 * 60_000;
    const expired = await store.create({ a: 1 });
    clock = Date.now();

    const { code, json } = await runSessHereJson(['inspect', expired.id, ...cli]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ state: 'expired' });

    const missing = await runSessHereJson(['inspect', newSessionId(), ...cli]);
    expect(missing.code, missing.stdout).toBe(1);
    expect(missing.json).toMatchObject({ found: false });
    const text = await runSess(['inspect', newSessionId(), ...cli]);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/^No session /);
  });

  it('takes the session cookie as a browser has it, and checks its signature given the secrets', async () => {
    const { store, cli } = setUp();
    // The cookie an application signs with its secrets, on an HTTPS request (__Host- prefix).
    const http = createHttpSessions({ store, secrets: [CURRENT_SECRET, OLDER_SECRET] });
    const scope = await http.open({ secure: true });
    scope.write('theme', 'dark');
    const [setCookie = ''] = (await scope.commit()).setCookie;
    const pair = setCookie.split(';')[0] ?? '';
    expect(pair).toMatch(/^__Host-sess=[\w-]{43}\.[\w-]{43}$/);
    const id = scope.id;

    // Not checked without the secrets, and the output says so.
    const unchecked = await runSessJson(['inspect', pair, ...cli]);
    expect(unchecked.code, unchecked.stderr).toBe(0);
    expect(unchecked.json).toMatchObject({ id, signature: 'unchecked', found: true });
    const text = await runSessHere(['inspect', encodeURIComponent(setCookie), ...cli]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Session\\s+${id}$`, 'm'));
    expect(text.stdout).toMatch(/^Cookie\s+signed; the signature was NOT checked \(give --secret/m);
    expect(text.stdout).toMatch(/^theme\s+"dark"$/m);

    const value = pair.slice(pair.indexOf('=') + 1);
    const valid = await runSessHereJson(['inspect', value, '--secret', CURRENT_SECRET, ...cli]);
    expect(valid.json).toMatchObject({ id, signature: 'valid', found: true });
    const stale = await runSessHere([
      'inspect',
      value,
      '--secret',
      'a newer secret of at least 32 characters',
      '--secret',
      CURRENT_SECRET,
      ...cli,
    ]);
    expect(stale.stdout).toMatch(/^Cookie\s+signed with an older secret; valid/m);

    // A wrong secret (or an altered value) is refused, with exit code 1.
    const refused = await runSessHereJson(['inspect', value, '--secret', 'another', ...cli]);
    expect(refused.code).toBe(1);
    expect(refused.json).toEqual({
      error: { code: 'BAD_SIGNATURE', message: expect.stringMatching(/leave out --secret/) },
    });

    // A bare id has no signature to check; a signed cookie of a missing session says it too.
    const bare = await runSessHereJson(['inspect', id ?? '', ...cli]);
    expect(bare.json).toMatchObject({ id, signature: 'none', found: true });
    await store.destroy(id ?? '');
    const gone = await runSessHere(['inspect', pair, ...cli]);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toMatch(/^No session .*\nCookie: signed; the signature was NOT checked/);
  });

  it('refuses what is not a session id with exit code 2', async () => {
    const { cli } = setUp();
    const run = await runSessJson(['inspect', 'sess:s:{*}', ...cli]);
    expect(run.code).toBe(2);
    expect(run.json).toEqual({ error: { code: 'INVALID_ID', message: expect.any(String) } });
  });
});

describe.concurrent('sess list and revoke', () => {
  it('lists a principal, revokes it, and revokes one session by id', async () => {
    const { store, cli } = setUp();
    const ada = await Promise.all([
      store.create({ n: 1 }, { principal: 'ada' }),
      store.create({ n: 2 }, { principal: 'ada' }),
    ]);
    const bob = await store.create({ n: 3 }, { principal: 'bob' });

    const listed = await runSessJson<{ sessions: Array<{ id: string; attributes: string[] }> }>([
      'list',
      '--principal',
      'ada',
      ...cli,
    ]);
    expect(listed.code).toBe(0);
    expect(listed.json.sessions.map((s) => s.id).sort()).toEqual(ada.map((r) => r.id).sort());
    expect(listed.json.sessions[0]?.attributes).toEqual(['n']);
    const table = await runSessHere(['list', '--principal', 'ada', ...cli]);
    expect(table.stdout).toMatch(/^2 live sessions for principal "ada":/);
    for (const record of ada) expect(table.stdout).toContain(record.id);

    const revoked = await runSessJson(['revoke', '--principal', 'ada', ...cli]);
    expect(revoked).toMatchObject({ code: 0, json: { principal: 'ada', revoked: 2 } });
    expect(await store.findByPrincipal('ada')).toEqual([]);
    const none = await runSessHere(['list', '--principal', 'ada', ...cli]);
    expect(none).toMatchObject({ code: 0, stdout: 'No live sessions for principal "ada".\n' });

    const byId = await runSess(['revoke', '--id', bob.id, ...cli]);
    expect(byId).toMatchObject({ code: 0, stdout: `Revoked session ${bob.id}.\n` });
    expect(await store.load(bob.id)).toBeNull();
    const again = await runSessHereJson(['revoke', '--id', bob.id, ...cli]);
    expect(again).toMatchObject({ code: 1, json: { id: bob.id, revoked: 0 } });
    // Seven runs of the CLI, each a Node process of its own: slow on a busy machine.
  }, 60_000);
});

describe.concurrent('sess cleanup', () => {
  it('expires due sessions once, and says so when another cleaner holds the lease', async () => {
    let clock = Date.now() - 35 * 60_000;
    const { store, cli } = setUp({ now: () => clock });
    await Promise.all(Array.from({ length: 12 }, () => store.create({ a: 1 })));
    clock = Date.now();
    await store.create({ live: true });

    const once = await runSessJson(['cleanup', '--once', ...cli]);
    expect(once.code).toBe(0);
    expect(once.json).toMatchObject({ dueBefore: 12, ticks: 1, expired: 12, truncated: false });
    expect(await store.count()).toBe(1);
    const events = await port.send({
      command: 'XLEN',
      keys: [store.keys.events],
      args: [store.keys.events],
    });
    // The expired batch entry: anonymous sessions' creations are not in the stream.
    expect(Number(events)).toBe(1);

    // An application instance's cleaner holds the lease now: the CLI stays out of its way.
    const app = createSessionStore({
      port,
      prefix: store.keys.prefix,
      buckets: 8,
      cleaner: { interval: 60_000, leaseTtl: 120_000 },
    });
    stores.push(app);
    expect((await app.cleaner!.runOnce()).leader).toBe(true);
    const held = await runSessHere(['cleanup', ...cli]);
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(/another cleaner holds the lease \([\d.]+ (s|min)/);
  });

  it('runs ticks until nothing is due', async () => {
    let clock = Date.now() - 35 * 60_000;
    const { store, cli } = setUp({ now: () => clock });
    await Promise.all(Array.from({ length: 40 }, () => store.create({ a: 1 })));
    clock = Date.now();
    const run = await runSessHere(['cleanup', '--batch-size', '2', ...cli]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Expired\s+40$/m);
    expect(await runSessHereJson(['stats', ...cli])).toMatchObject({
      json: { sessions: { active: 0, due: 0 } },
    });
  });
});

describe.concurrent('command line', () => {
  it('prints usage with --help and exits 0; a usage error exits 2', async () => {
    const run = await runSess(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: sess <command>/);
    expect(run.stdout).toContain('Exit codes: 0 done, 1 a check or operation failed');
    const wrong = await runSess(['frobnicate']);
    expect(wrong).toMatchObject({ code: 2, stdout: '' });
    expect(wrong.stderr).toMatch(/^sess: unknown command "frobnicate"/);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['stats', '--bogus'], /Unknown option '--bogus'/],
    [['inspect'], /inspect: expects one session id/],
    [['list'], /list: --principal <p> is required/],
    [['revoke'], /revoke: give exactly one of --principal <p> or --id <id>/],
    [['stats', '--once'], /--once: not an option of "stats"/],
    [['stats', '--buckets', '0'], /--buckets: expected an integer from 1 to 1024/],
    [['stats', '--url', 'http://x'], /--url: expected redis:\/\//],
    [
      ['stats', '--url', 'redis://a', '--cluster', 'b:1'],
      /give one of --url, --sentinel or --cluster/,
    ],
    [['stats', '--prefix', 'no spaces'], /prefix: 1 to 64 characters/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const run = await runSessHere(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('exits 3 when Redis cannot be reached', async () => {
    const run = await runSessJson(['stats', '--url', 'redis://127.0.0.1:1', '--timeout', '300']);
    expect(run.code).toBe(3);
    expect(run.json).toMatchObject({ error: { code: 'UNREACHABLE' } });
  });
});
