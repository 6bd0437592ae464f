import { randomUUID } from 'node:crypto';
import { createSessionStore } from '@sess/core';
import { createNodeRedisPort } from '@sess/node-redis';
import { type RedisSentinelSet, startRedisSentinel } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSessHereJson, runSessJson } from './support/run-sess.js';

let set: RedisSentinelSet;
let sentinels: string;
const prefix = `t${randomUUID().slice(0, 8)}`;

interface DoctorJson {
  checks: Array<{ id: string; status: string; summary: string }>;
}

beforeAll(async () => {
  set = await startRedisSentinel({ audit: true, replicas: 1, sentinels: 3 });
  sentinels = set.nodes.map((node) => `${node.host}:${node.port}`).join(',');
  const port = await createNodeRedisPort({ url: set.master.url });
  const store = createSessionStore({ port, prefix, cleaner: false });
  await store.create({ a: 1 }, { principal: 'ada' });
  await store.close();
  await port.close();
}, 60_000);

afterAll(async () => {
  await set?.stop();
});

describe.concurrent('sess with --sentinel', () => {
  it('finds the master through the sentinels', async () => {
    const { code, json } = await runSessJson<{
      sessions: { active: number };
      redis: { address: string; topology: string };
    }>(['stats', '--sentinel', sentinels, '--master', set.masterName, '--prefix', prefix]);
    expect(code).toBe(0);
    expect(json.sessions.active).toBe(1);
    expect(json.redis).toMatchObject({
      topology: 'sentinel',
      address: `${set.master.host}:${set.master.port}`,
    });
  });

  it('doctor passes a healthy set: quorum, three sentinels, a replica in sync', async () => {
    const { code, json } = await runSessJson<DoctorJson>([
      'doctor',
      '--sentinel',
      sentinels,
      '--master',
      set.masterName,
      '--pings',
      '3',
    ]);
    expect(code).toBe(0);
    const check = json.checks.find((c) => c.id === 'sentinel');
    expect(check?.status).toBe('pass');
    expect(check?.summary).toMatch(
      /^3 of 3 sentinels answered; quorum 2, 3 sentinels known, master \S+ with 1 replica; failover can be authorised$/,
    );
    expect(json.checks.find((c) => c.id === 'replication')?.status).toBe('pass');
  });

  it('doctor warns about a sentinel that does not answer', async () => {
    const { code, json } = await runSessHereJson<DoctorJson>([
      'doctor',
      '--sentinel',
      `${sentinels},127.0.0.1:1`,
      '--master',
      set.masterName,
      '--pings',
      '3',
    ]);
    expect(code).toBe(0);
    const check = json.checks.find((c) => c.id === 'sentinel');
    expect(check?.status).toBe('warn');
    expect(check?.summary).toMatch(/^3 of 4 sentinels answered; .*127\.0\.0\.1:1 did not answer/);
  });

  it('exits 3 when no sentinel knows the master', async () => {
    const run = await runSessHereJson(['stats', '--sentinel', sentinels, '--master', 'other']);
    expect(run.code).toBe(3);
    expect(run.json).toMatchObject({
      error: { code: 'UNREACHABLE', message: 'Sentinel: no sentinel knows a master named "other"' },
    });
  });
});
