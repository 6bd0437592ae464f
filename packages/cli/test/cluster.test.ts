import { randomUUID } from 'node:crypto';
import { createSessionStore } from '@sess/core';
import { createNodeRedisPort } from '@sess/node-redis';
import { type RedisClusterSet, startRedisCluster } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_USER } from './support/acl-users.js';
import { runSessHereJson, runSessJson } from './support/run-sess.js';

let cluster: RedisClusterSet;
let startNodes: string;
let sessionId: string;
const prefix = `k${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  // Every node also has the application's least-privilege user.
  const appUser = ['--user', APP_USER.name, 'on', `>${APP_USER.password}`];
  cluster = await startRedisCluster({
    audit: true,
    masters: 3,
    replicasPerMaster: 1,
    args: [...appUser, ...APP_USER.rules.split(' ')],
  });
  startNodes = cluster.nodes
    .slice(0, 2)
    .map((node) => `${node.host}:${node.port}`)
    .join(',');
  const port = await createNodeRedisPort({ cluster: { rootNodes: cluster.rootNodes } });
  const store = createSessionStore({ port, prefix, cleaner: false });
  const records = await Promise.all(
    Array.from({ length: 6 }, (_, i) => store.create({ n: i }, { principal: 'ada' })),
  );
  sessionId = records[0]?.id as string;
  await store.close();
  await port.close();
}, 60_000);

afterAll(async () => {
  // Rejects if the CLI sent a forbidden command, or one that crossed slots, to any node.
  await cluster?.stop();
});

describe.concurrent('sess with --cluster', () => {
  it('reads the store across the masters', async () => {
    const stats = await runSessJson<{ sessions: { active: number }; redis: { topology: string } }>([
      'stats',
      '--cluster',
      startNodes,
      '--prefix',
      prefix,
    ]);
    expect(stats.code).toBe(0);
    expect(stats.json).toMatchObject({ sessions: { active: 6 }, redis: { topology: 'cluster' } });
    const list = await runSessHereJson<{ sessions: unknown[] }>([
      'list',
      '--principal',
      'ada',
      '--cluster',
      startNodes,
      '--prefix',
      prefix,
    ]);
    expect(list.json.sessions).toHaveLength(6);
    const inspect = await runSessHereJson([
      'inspect',
      sessionId,
      '--cluster',
      startNodes,
      '--prefix',
      prefix,
    ]);
    expect(inspect).toMatchObject({ code: 0, json: { state: 'live', meta: { principal: 'ada' } } });
  });

  it('doctor checks slot coverage, replicas and the expiry buckets per master', async () => {
    const { code, json } = await runSessJson<{
      checks: Array<{ id: string; status: string; summary: string; details?: unknown }>;
    }>(['doctor', '--cluster', startNodes, '--pings', '5']);
    const byId = new Map(json.checks.map((check) => [check.id, check]));
    expect(byId.get('cluster')).toMatchObject({ status: 'pass' });
    expect(byId.get('cluster')?.summary).toMatch(
      /^state ok, 16384 of 16384 slots assigned, 16384 ok.*; 3 masters, 0 without a replica$/,
    );
    expect(byId.get('bucket-spread')).toMatchObject({ status: 'pass' });
    expect(byId.get('bucket-spread')?.summary).toMatch(/^16 buckets over 3 masters: /);
    // Node checks look at every master.
    expect(byId.get('eviction-policy')?.summary.split('; ')).toHaveLength(3);
    expect(byId.get('replication')).toMatchObject({ status: 'pass' });
    expect(code).toBe(0);
  });

  it("doctor as the application's user: what needs INFO, CLUSTER INFO or TIME is skipped, the rest runs", async () => {
    const { code, json } = await runSessHereJson<{
      checks: Array<{ id: string; status: string; refused?: { command: string } }>;
    }>([
      'doctor',
      '--cluster',
      startNodes,
      '--username',
      APP_USER.name,
      '--password',
      APP_USER.password,
      '--pings',
      '5',
    ]);
    const byId = new Map(json.checks.map((check) => [check.id, check]));
    for (const id of ['redis-version', 'eviction-policy', 'persistence']) {
      expect(byId.get(id), id).toMatchObject({ status: 'skip', refused: { command: 'INFO' } });
    }
    expect(byId.get('cluster')).toMatchObject({
      status: 'skip',
      refused: { command: 'CLUSTER INFO' },
    });
    expect(byId.get('clock-skew')).toMatchObject({ status: 'skip', refused: { command: 'TIME' } });
    // CLUSTER SLOTS is the application's too: the bucket spread is still checked.
    expect(byId.get('bucket-spread')).toMatchObject({ status: 'pass' });
    expect(code).toBe(byId.get('latency')?.status === 'fail' ? 1 : 4);
  });
});
