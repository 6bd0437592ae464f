import { createSessionStore, isSessError } from '@sess/core';
import type { RedisReply } from '@sess/core/port';
import { type RedisServer, startRedis } from '@sess/testkit';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRedisPort, type NodeRedisPort } from '../src/index.js';
import { waitUntil } from './support/wait-until.js';

// rediss:// with a CA of one's own, passed through `clientOptions.socket` (standalone) or the
// `tls` option (Cluster), against a redis-server listening on a TLS port with certificates
// the testkit made for the test.

const quiet = { onError: () => {} };

/** The local ports of the server's client connections (CLIENT LIST `laddr`), as the admin sees them. */
async function connectedPorts(server: RedisServer): Promise<number[]> {
  const admin = createClient({ url: server.url, RESP: 2 });
  await admin.connect();
  try {
    const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
    return [...list.matchAll(/ laddr=[^ ]*:(\d+) /g)].map((match) => Number(match[1]));
  } finally {
    await admin.close();
  }
}

describe('a TLS server with a custom CA', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedis({ env: false, audit: true, tls: true });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('runs a store over rediss:// with clientOptions.socket.ca, dedicated connections included', async () => {
    const tls = server.tls;
    if (!tls) throw new Error('no TLS port');
    const port = await createNodeRedisPort({
      url: tls.url,
      clientOptions: { socket: { tls: true, ca: tls.ca } },
    });
    const dedicated = await port.dedicated();
    try {
      const store = createSessionStore({ port, prefix: 'tls', cleaner: false });
      const session = await store.create({ user: 'ada' });
      expect((await store.load(session.id))?.get('user')).toBe('ada');
      // The blocking reads of event subscribers run on a duplicate of the client: TLS too.
      const read = (await dedicated.send({
        command: 'XREAD',
        keys: ['tls:{events}'],
        args: ['COUNT', 1, 'BLOCK', 50, 'STREAMS', 'tls:{events}', '$'],
      })) as RedisReply;
      expect(read).toBeNull();
      const ports = await connectedPorts(server);
      // Both of sess's connections reached the TLS port (the testkit's and the admin's are plain).
      expect(ports.filter((p) => p === tls.port)).toHaveLength(2);
      await store.close();
    } finally {
      await dedicated.close();
      await port.close();
    }
  });

  it('fails at once with INVALID_OPTION, naming the certificate, when the CA is not given', async () => {
    const tls = server.tls;
    if (!tls) throw new Error('no TLS port');
    const started = Date.now();
    const failure = await createNodeRedisPort({
      url: tls.url,
      connectTimeout: 5_000,
      ...quiet,
    }).then(
      (port) => port.close().then(() => undefined),
      (error: unknown) => error,
    );
    // Retrying cannot fix a certificate the client does not trust: no wait for connectTimeout.
    expect(isSessError(failure, 'INVALID_OPTION')).toBe(true);
    expect(String((failure as Error).message)).toMatch(/self-signed certificate|certificate/);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('a TLS server that requires a client certificate', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedis({ env: false, audit: true, tls: { authClients: true } });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('accepts the client certificate passed with the CA in clientOptions.socket', async () => {
    const tls = server.tls;
    if (!tls) throw new Error('no TLS port');
    const port = await createNodeRedisPort({
      url: tls.url,
      clientOptions: {
        socket: { tls: true, ca: tls.ca, cert: tls.client.cert, key: tls.client.key },
      },
    });
    try {
      expect(await port.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
    } finally {
      await port.close();
    }
  });

  it("is refused at once without a client certificate, with the server's reason", async () => {
    const tls = server.tls;
    if (!tls) throw new Error('no TLS port');
    const failure = await createNodeRedisPort({
      url: tls.url,
      clientOptions: { socket: { tls: true, ca: tls.ca } },
      connectTimeout: 500,
      ...quiet,
    }).then(
      (port) => port.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(isSessError(failure, 'INVALID_OPTION')).toBe(true);
    expect(String((failure as Error).message)).toMatch(/certificate required/);
  });
});

describe('a Redis Cluster on TLS (one node, tls-cluster)', () => {
  let server: RedisServer;
  let port: NodeRedisPort | undefined;

  beforeAll(async () => {
    server = await startRedis({
      env: false,
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
    });
    const admin = createClient({ url: server.url, RESP: 2 });
    await admin.connect();
    try {
      await admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
      await waitUntil(
        async () => /cluster_state:ok/.test(String(await admin.sendCommand(['CLUSTER', 'INFO']))),
        5_000,
        'cluster_state:ok',
      );
    } finally {
      await admin.close();
    }
  });

  afterAll(async () => {
    await port?.close();
    await server?.stop();
  });

  it('follows the slot map to the TLS port with the cluster tls option carrying the CA', async () => {
    const tls = server.tls;
    if (!tls) throw new Error('no TLS port');
    port = await createNodeRedisPort({ cluster: { rootNodes: [tls.url], tls: { ca: tls.ca } } });
    const store = createSessionStore({ port, prefix: 'tlsc', cleaner: false });
    const session = await store.create({ user: 'grace' });
    expect((await store.load(session.id))?.get('user')).toBe('grace');
    await store.close();
    // The port's connections (the first node's and the slot owner's) are on the TLS port.
    expect((await connectedPorts(server)).filter((p) => p === tls.port).length).toBeGreaterThan(0);
  });
});
