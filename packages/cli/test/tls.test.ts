import { type RedisServer, startRedis } from '@sess/testkit';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSessHere, runSessHereJson, runSessJson } from './support/run-sess.js';

// The CLI on TLS with a CA of its own (--tls-ca) and a client certificate (--tls-cert,
// --tls-key), against redis-server TLS ports with certificates the testkit made.

let server: RedisServer;
let cluster: RedisServer;

beforeAll(async () => {
  [server, cluster] = await Promise.all([
    startRedis({ audit: true, tls: { authClients: true } }),
    startRedis({
      audit: true,
      tls: true,
      args: [
        '--cluster-enabled',
        'yes',
        '--tls-cluster',
        'yes',
        '--cluster-announce-ip',
        '127.0.0.1',
      ],
    }),
  ]);
  // A one-node Cluster that announces its TLS port to TLS clients.
  const admin = createClient({ url: cluster.url, RESP: 2 });
  await admin.connect();
  try {
    await admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
    const deadline = Date.now() + 5_000;
    while (!/cluster_state:ok/.test(String(await admin.sendCommand(['CLUSTER', 'INFO'])))) {
      if (Date.now() > deadline) throw new Error('cluster_state:ok not within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await admin.close();
  }
});

afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

function tlsOf(of: RedisServer) {
  if (!of.tls) throw new Error('no TLS port');
  return of.tls;
}

describe.concurrent('sess over TLS', () => {
  it('connects to a rediss:// URL with --tls-ca and a client certificate', async () => {
    const tls = tlsOf(server);
    const files = ['--tls-ca', tls.caFile, '--tls-cert', tls.client.certFile];
    const { code, json } = await runSessJson<{ sessions: { active: number } }>([
      'stats',
      '--url',
      tls.url,
      ...files,
      '--tls-key',
      tls.client.keyFile,
    ]);
    expect(code).toBe(0);
    expect(json.sessions.active).toBe(0);
  });

  it('cannot connect without the CA or without the client certificate the server asks for (exit 3)', async () => {
    const tls = tlsOf(server);
    const noCa = await runSessHere(['stats', '--url', tls.url, '--timeout', '1000']);
    expect(noCa.code).toBe(3);
    expect(noCa.stderr).toMatch(/certificate/);
    const noCert = await runSessHere([
      'stats',
      '--url',
      tls.url,
      '--tls-ca',
      tls.caFile,
      '--timeout',
      '1000',
    ]);
    expect(noCert.code).toBe(3);
  });

  it('says which file it cannot read (exit 2)', async () => {
    const tls = tlsOf(server);
    const run = await runSessHere(['stats', '--url', tls.url, '--tls-ca', '/nonexistent/ca.pem']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--tls-ca: cannot read \/nonexistent\/ca\.pem/);
  });

  it('runs doctor on a Cluster with --tls --tls-ca, asking each master over TLS', async () => {
    const tls = tlsOf(cluster);
    const { code, json } = await runSessHereJson<{
      checks: Array<{ id: string; status: string }>;
    }>([
      'doctor',
      '--cluster',
      `127.0.0.1:${tls.port}`,
      '--tls',
      '--tls-ca',
      tls.caFile,
      '--pings',
      '3',
    ]);
    const status = new Map(json.checks.map((check) => [check.id, check.status]));
    // INFO came from the master over a TLS connection of the CLI's own.
    expect(status.get('redis-version')).toBe('pass');
    expect(status.get('cluster')).toBe('warn'); // one master, no replica
    expect(status.get('bucket-spread')).toBe('pass');
    // Latency on a loaded test machine may fail its check; that is not what this test is about.
    expect(code).toBe([...status.values()].includes('fail') ? 1 : 0);
    expect([...status].filter(([id, verdict]) => verdict === 'fail' && id !== 'latency')).toEqual(
      [],
    );
  });
});
