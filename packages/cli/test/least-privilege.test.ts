import { createSessionStore } from '@sess/core';
import { createNodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_USER, CLI_USER, INFO_ONLY_USER } from './support/acl-users.js';
import { runSessHere, runSessHereJson, runSessJson } from './support/run-sess.js';

// doctor and stats as users that may not run everything: each runs what it may, names what
// the server refused (command and reply), and exits 4 instead of failing as a whole.

let server: RedisServer;

beforeAll(async () => {
  server = await startRedis({ audit: true, users: [APP_USER, CLI_USER, INFO_ONLY_USER] });
  const port = await createNodeRedisPort({ url: server.urlAs(APP_USER.name) });
  const store = createSessionStore({ port, cleaner: false });
  await Promise.all([store.create({ a: 1 }), store.create({ a: 2 }, { principal: 'ada' })]);
  await store.close();
  await port.close();
});

afterAll(async () => {
  await server?.stop();
});

interface DoctorJson {
  status: string;
  counts: { pass: number; warn: number; fail: number; skip: number };
  checks: Array<{ id: string; status: string; summary: string; refused?: { command: string } }>;
}

interface StatsJson {
  sessions: { active: number } | null;
  events: { length: number } | null;
  cleaner: { holder: string | null; lagMs: number | null };
  redis: { version: string | null };
  notRead: Array<{ figure: string; command: string; reply: string }>;
}

describe.concurrent('sess doctor and stats as a least-privilege user', () => {
  it("doctor as the application's user: runs the latency check, skips what needs INFO or TIME (exit 4)", async () => {
    const { code, json } = await runSessJson<DoctorJson>([
      'doctor',
      '--url',
      server.urlAs(APP_USER.name),
      '--pings',
      '5',
    ]);
    const byId = new Map(json.checks.map((check) => [check.id, check]));
    // A loaded test machine may warn or fail on latency (a failure exits 1); the skips are
    // what is tested.
    const latency = byId.get('latency')?.status;
    expect(code).toBe(latency === 'fail' ? 1 : 4);
    // The overall status is the worst: a warning or failure ranks above a skip.
    expect(json.status).toBe(latency === 'pass' ? 'skip' : latency);
    for (const id of ['redis-version', 'eviction-policy', 'memory', 'persistence', 'replication']) {
      expect(byId.get(id), id).toMatchObject({ status: 'skip', refused: { command: 'INFO' } });
      expect(byId.get(id)?.summary, id).toMatch(/^not run: INFO refused \(NOPERM .*'info'/);
    }
    expect(byId.get('clock-skew')).toMatchObject({ status: 'skip', refused: { command: 'TIME' } });
    expect(byId.get('latency')?.status).not.toBe('skip');
    expect(json.counts.skip).toBe(6);

    const text = await runSessHere([
      'doctor',
      '--url',
      server.urlAs(APP_USER.name),
      '--pings',
      '5',
    ]);
    expect(text.code).toBe(/^FAIL {2}Round-trip latency/m.test(text.stdout) ? 1 : 4);
    expect(text.stdout).toMatch(/^SKIP {2}Clock skew\s+not run: TIME refused \(NOPERM/m);
    expect(text.stdout).toMatch(/^\s+fix: Allow TIME to the user the CLI signs in as/m);
    // The fix for INFO is given once, not for each of the five checks that need it.
    expect(text.stdout.match(/fix: Allow INFO/g)).toHaveLength(1);
    expect(text.stdout).toMatch(/, 6 not run \(refused: see SKIP\)$/m);
  });

  it("doctor as the CLI's user runs every check", async () => {
    const { code, json } = await runSessHereJson<DoctorJson>([
      'doctor',
      '--url',
      server.urlAs(CLI_USER.name),
      '--pings',
      '5',
    ]);
    expect(json.counts.skip).toBe(0);
    expect(json.checks.map((check) => check.id)).toEqual([
      'redis-version',
      'eviction-policy',
      'persistence',
      'latency',
      'clock-skew',
    ]);
    expect(code).toBe(json.status === 'fail' ? 1 : 0);
  });

  it("stats as the application's user: every figure but Redis' own (exit 4)", async () => {
    const { code, json } = await runSessJson<StatsJson>([
      'stats',
      '--url',
      server.urlAs(APP_USER.name),
    ]);
    expect(code).toBe(4);
    expect(json.sessions?.active).toBe(2);
    expect(json.events?.length).toBe(1);
    expect(json.redis.version).toBeNull();
    expect(json.notRead).toEqual([
      { figure: 'redis', command: 'INFO', reply: expect.stringMatching(/^NOPERM .*'info'/) },
    ]);
    const text = await runSessHere(['stats', '--url', server.urlAs(APP_USER.name)]);
    expect(text.code).toBe(4);
    expect(text.stdout).toMatch(/^Active sessions\s+2$/m);
    expect(text.stdout).toMatch(
      /^Redis\s+127\.0\.0\.1:\d+ \(standalone\): not read: INFO refused/m,
    );
    expect(text.stdout).toMatch(/^Not read \(refused to this user\): redis\./m);
  });

  it("stats as the CLI's user reads everything (exit 0)", async () => {
    const { code, json } = await runSessHereJson<StatsJson>([
      'stats',
      '--url',
      server.urlAs(CLI_USER.name),
    ]);
    expect(code).toBe(0);
    expect(json.notRead).toEqual([]);
    expect(json.redis.version).toMatch(/^\d/);
    expect(json.sessions?.active).toBe(2);
  });

  it('stats as a user without the store keys: the Redis figures alone, the rest named (exit 4)', async () => {
    const { code, json } = await runSessHereJson<StatsJson>([
      'stats',
      '--url',
      server.urlAs(INFO_ONLY_USER.name),
    ]);
    expect(code).toBe(4);
    expect(json.redis.version).toMatch(/^\d/);
    expect(json.sessions).toBeNull();
    expect(json.events).toBeNull();
    expect(json.cleaner).toMatchObject({ holder: null, lagMs: null });
    expect(json.notRead.map((entry) => [entry.figure, entry.command]).sort()).toEqual([
      ['cleaner lease', 'GET, PTTL'],
      ['events', 'XLEN, XINFO GROUPS'],
      ['sessions', 'ZCOUNT, ZRANGE'],
    ]);
    for (const entry of json.notRead) expect(entry.reply).toMatch(/^NOPERM/);
  });
});
