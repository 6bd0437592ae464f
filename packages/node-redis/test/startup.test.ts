import { execFileSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSessError } from '@sess/core';
import {
  type RedisSentinelSet,
  type RedisServer,
  startRedis,
  startRedisSentinel,
} from '@sess/testkit';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRedisPort, type NodeRedisPortOptions } from '../src/index.js';
import { waitUntil } from './support/wait-until.js';

/** What "at once" means for a failure retrying cannot fix; `connectTimeout` stays 5 s. */
const AT_ONCE_MS = 500;
/**
 * The timings are of real connections: a run starved by other work on the machine may miss
 * them once. A port that waited for `connectTimeout` misses them every time.
 */
const TIMED = { retry: 2 };
const UNRESOLVABLE = 'nonexistent.invalid';

let dir: string;
let certificate: { cert: string; key: string };
/** A plain-text port and a TLS port (self-signed certificate), two databases. */
let server: RedisServer;
let tlsPort: number;
/** A client of the test's own, for ACL changes; it stays authenticated across them. */
let admin: ReturnType<typeof createClient>;
/** Whether this machine's resolver says ENOTFOUND for a reserved name (it needs no network). */
let resolverAnswers: boolean;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sess-startup-'));
  certificate = selfSignedCertificate(dir);
  tlsPort = await freePort();
  server = await startRedis({
    env: false,
    audit: true,
    args: [
      '--databases',
      '2',
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      certificate.cert,
      '--tls-key-file',
      certificate.key,
      '--tls-auth-clients',
      'no',
    ],
  });
  admin = createClient({ url: server.url, RESP: 2 });
  admin.on('error', () => {});
  await admin.connect();
  resolverAnswers = await lookup(UNRESOLVABLE).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ENOTFOUND',
  );
  // The first client a worker creates pays for loading node-redis: not part of any timing.
  await (await createNodeRedisPort({ url: server.url, onError: () => {} })).close();
}, 20_000);

afterAll(async () => {
  await admin?.destroy();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI. */
function selfSignedCertificate(where: string): { cert: string; key: string } {
  const cert = join(where, 'cert.pem');
  const key = join(where, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** A loopback port nothing listens on (the kernel's pick, closed again). */
async function freePort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  await new Promise((resolve) => listener.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function tlsUrl(): string {
  return `rediss://127.0.0.1:${tlsPort}`;
}

interface Opening {
  readonly error: unknown;
  readonly ms: number;
  readonly reported: Error[];
}

/** Opens a port with `options` (and closes it if it opened). */
async function opening(options: NodeRedisPortOptions): Promise<Opening> {
  const reported: Error[] = [];
  const started = performance.now();
  const error = await createNodeRedisPort({
    onError: (e) => reported.push(e),
    ...options,
  }).then(
    async (port) => {
      await port.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started, reported };
}

/** The opening failed at once, as a configuration error naming its cause. */
function expectFailedAtOnce(outcome: Opening, message: RegExp): void {
  expect(isSessError(outcome.error, 'INVALID_OPTION'), String(outcome.error)).toBe(true);
  expect((outcome.error as Error).message).toMatch(message);
  expect(outcome.ms).toBeLessThan(AT_ONCE_MS);
}

/** The error the server or the system gave, kept as the cause. */
function causeOf(outcome: Opening): Error {
  const cause = (outcome.error as Error).cause;
  expect(cause).toBeInstanceOf(Error);
  return cause as Error;
}

describe('a standalone port fails at once where retrying cannot help', TIMED, () => {
  describe('on a server that wants a password', () => {
    beforeAll(async () => {
      await admin.sendCommand(['ACL', 'SETUSER', 'default', 'resetpass', '>secret']);
    });
    afterAll(async () => {
      await admin.sendCommand(['ACL', 'SETUSER', 'default', 'nopass']);
    });

    it('a wrong password in the URL', async () => {
      const outcome = await opening({ url: `redis://:wrong@127.0.0.1:${server.port}` });
      expectFailedAtOnce(
        outcome,
        /^url \(its credentials\): Redis refused the credentials: WRONGPASS /,
      );
      expect(causeOf(outcome).message).toMatch(/^WRONGPASS /);
    });

    it('a wrong password in clientOptions', async () => {
      const outcome = await opening({ url: server.url, clientOptions: { password: 'wrong' } });
      expectFailedAtOnce(
        outcome,
        /^clientOptions\.password: Redis refused the credentials: WRONGPASS /,
      );
    });

    it('no password at all (the connection opens; its first call would fail)', async () => {
      const outcome = await opening({ url: server.url });
      expectFailedAtOnce(
        outcome,
        /^url or clientOptions\.password: Redis wants a password and none was sent: NOAUTH /,
      );
    });

    it('a client of yours, not opened yet', async () => {
      const client = createClient({ url: server.url, password: 'wrong', RESP: 2 });
      const outcome = await opening({ client });
      expectFailedAtOnce(outcome, /^client: Redis refused the credentials: WRONGPASS /);
      expect(client.isOpen).toBe(false);
    });

    it('a Cluster root node that refuses the password', async () => {
      const outcome = await opening({
        cluster: { rootNodes: [server.url], password: 'wrong' },
      });
      expectFailedAtOnce(outcome, /^cluster\.password: Redis refused the credentials: WRONGPASS /);
    });

    it('dedicated(), once the password changed under a running port', async () => {
      const port = await createNodeRedisPort({
        url: `redis://:secret@127.0.0.1:${server.port}`,
        onError: () => {},
      });
      try {
        await admin.sendCommand(['ACL', 'SETUSER', 'default', 'resetpass', '>rotated']);
        const started = performance.now();
        const error = await port.dedicated().catch((e: unknown) => e);
        expect(isSessError(error, 'INVALID_OPTION'), String(error)).toBe(true);
        expect((error as Error).message).toMatch(/^url \(its credentials\): .*WRONGPASS /);
        expect(performance.now() - started).toBeLessThan(AT_ONCE_MS);
        // The port's own connection was open before the change: it still serves calls.
        expect(await port.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
      } finally {
        await admin.sendCommand(['ACL', 'SETUSER', 'default', 'resetpass', '>secret']);
        await port.close();
      }
    });
  });

  it('a password sent to a server that has none', async () => {
    const outcome = await opening({ url: `redis://:secret@127.0.0.1:${server.port}` });
    expectFailedAtOnce(
      outcome,
      /^url \(its credentials\): .*ERR AUTH .*without any password configured/,
    );
  });

  it('a database number out of range, in the URL', async () => {
    const outcome = await opening({ url: `${server.url}/5` });
    expectFailedAtOnce(
      outcome,
      /^url \(its database number\): Redis refused the database number: ERR DB index is out of range/,
    );
    expect(causeOf(outcome).message).toBe('ERR DB index is out of range');
  });

  it('a database number out of range, in clientOptions', async () => {
    const outcome = await opening({ url: server.url, clientOptions: { database: 5 } });
    expectFailedAtOnce(outcome, /^clientOptions\.database: .*ERR DB index is out of range/);
  });

  it('a host name that does not resolve', async (context) => {
    context.skip(
      !resolverAnswers,
      `this machine's resolver does not answer ENOTFOUND for ${UNRESOLVABLE}`,
    );
    const outcome = await opening({ url: `redis://${UNRESOLVABLE}:6379` });
    expectFailedAtOnce(
      outcome,
      new RegExp(`^url: the host name does not resolve: getaddrinfo ENOTFOUND ${UNRESOLVABLE}`),
    );
    expect((causeOf(outcome) as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });

  it('rediss:// against a plain-text server', async () => {
    const outcome = await opening({ url: `rediss://127.0.0.1:${server.port}` });
    expectFailedAtOnce(
      outcome,
      new RegExp(
        `^url: TLS is on, but the server at 127\\.0\\.0\\.1:${server.port} answered in plain text`,
      ),
    );
  });

  it('redis:// against a TLS server', async () => {
    const outcome = await opening({ url: `redis://127.0.0.1:${tlsPort}` });
    expectFailedAtOnce(
      outcome,
      new RegExp(
        `^url: the server at 127\\.0\\.0\\.1:${tlsPort} closed the plain-text connection and speaks TLS`,
      ),
    );
  });

  it('a certificate no CA vouches for', async () => {
    const outcome = await opening({ url: tlsUrl() });
    expectFailedAtOnce(
      outcome,
      /^clientOptions\.socket \(ca, servername\): the server's TLS certificate was not accepted: self-signed certificate/,
    );
    expect((causeOf(outcome) as NodeJS.ErrnoException).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('a certificate for another host name', async () => {
    const outcome = await opening({
      url: tlsUrl(),
      clientOptions: {
        socket: { tls: true, ca: readFileSync(certificate.cert), servername: 'other.example' },
      },
    });
    expectFailedAtOnce(outcome, /^clientOptions\.socket \(ca, servername\): .*other\.example/);
    expect((causeOf(outcome) as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('opens over TLS when the certificate is trusted', async () => {
    const port = await createNodeRedisPort({
      url: tlsUrl(),
      clientOptions: { socket: { tls: true, ca: readFileSync(certificate.cert) } },
    });
    expect(await port.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
    await port.close();
  });
});

describe('a port keeps retrying where a server may yet appear', () => {
  it('fails after connectTimeout with UNAVAILABLE, naming what it saw last (no server)', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const outcome = await opening({
      url: `redis://${address}`,
      connectTimeout: 1_000,
      reconnect: { minDelay: 20, maxDelay: 50 },
    });
    expect(isSessError(outcome.error, 'UNAVAILABLE'), String(outcome.error)).toBe(true);
    expect((outcome.error as Error).message).toBe(
      `no connection to Redis within 1000 ms (connectTimeout); the last attempt failed with: connect ECONNREFUSED ${address}`,
    );
    expect(causeOf(outcome).message).toBe(`connect ECONNREFUSED ${address}`);
    expect(outcome.ms).toBeGreaterThanOrEqual(990);
    expect(outcome.reported.length).toBeGreaterThan(2);
  });

  it('opens once the server appears', async () => {
    const later = await startRedis({ env: false, audit: true });
    try {
      await later.kill();
      const opened = createNodeRedisPort({
        url: later.url,
        reconnect: { minDelay: 20, maxDelay: 50 },
        onError: () => {},
      });
      await later.restart();
      const port = await opened;
      expect(await port.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
      await port.close();
    } finally {
      await later.stop();
    }
  });

  it('keeps reconnecting after startup, whatever the server answers', async () => {
    await admin.sendCommand(['ACL', 'SETUSER', 'default', 'resetpass', '>secret']);
    const reported: Error[] = [];
    const running = await createNodeRedisPort({
      url: `redis://:secret@127.0.0.1:${server.port}`,
      reconnect: { minDelay: 20, maxDelay: 50 },
      onError: (error) => reported.push(error),
    });
    try {
      const id = await running.send({ command: 'CLIENT', keys: [], args: ['ID'] });
      // The password changes and the connection drops: every reconnect is refused.
      await admin.sendCommand(['ACL', 'SETUSER', 'default', 'resetpass', '>rotated']);
      await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]);
      const refusals = (): number =>
        reported.filter((error) => error.message.startsWith('WRONGPASS')).length;
      await waitUntil(() => refusals() >= 3, 3_000, 'three refused reconnects');
      await admin.sendCommand(['ACL', 'SETUSER', 'default', 'resetpass', '>secret']);
      await waitUntil(
        () =>
          running.send({ command: 'PING', keys: [], args: [] }).then(
            () => true,
            () => false,
          ),
        3_000,
        'the port back',
      );
    } finally {
      await admin.sendCommand(['ACL', 'SETUSER', 'default', 'nopass']);
      await running.close();
    }
  });
});

describe('a Cluster port', TIMED, () => {
  it('fails at once when no root node resolves', async (context) => {
    context.skip(
      !resolverAnswers,
      `this machine's resolver does not answer ENOTFOUND for ${UNRESOLVABLE}`,
    );
    const outcome = await opening({
      cluster: { rootNodes: [`redis://${UNRESOLVABLE}:7000`, `redis://other.invalid:7001`] },
    });
    expectFailedAtOnce(
      outcome,
      /^cluster\.rootNodes: the host name does not resolve \(every root node\): getaddrinfo ENOTFOUND /,
    );
  });

  it('fails at once on a server that is not a Cluster node', async () => {
    const outcome = await opening({ cluster: { rootNodes: [server.url] } });
    expectFailedAtOnce(
      outcome,
      /^cluster\.rootNodes: the server is not a Redis Cluster node .*: ERR This instance has cluster support disabled/,
    );
  });

  it('fails at once with TLS on against a plain-text root node', async () => {
    const outcome = await opening({
      cluster: { rootNodes: [`rediss://127.0.0.1:${server.port}`] },
    });
    expectFailedAtOnce(
      outcome,
      /^cluster\.rootNodes: TLS is on, but the server at .* answered in plain text/,
    );
  });

  it('asks the root nodes again until connectTimeout while none answers', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const outcome = await opening({
      cluster: { rootNodes: [`redis://${address}`] },
      connectTimeout: 1_000,
    });
    expect(isSessError(outcome.error, 'UNAVAILABLE'), String(outcome.error)).toBe(true);
    expect((outcome.error as Error).message).toBe(
      `no connection to the Redis Cluster within 1000 ms (connectTimeout); the last attempt failed with: connect ECONNREFUSED ${address}`,
    );
    expect(outcome.ms).toBeGreaterThanOrEqual(990);
    // node-redis reports each root node's failure twice (the same error): count attempts.
    expect(new Set(outcome.reported).size).toBeGreaterThan(1);
  });
});

describe('a Sentinel port', TIMED, () => {
  let sentinel: RedisSentinelSet;

  beforeAll(async () => {
    sentinel = await startRedisSentinel({ audit: true, replicas: 0, sentinels: 1, quorum: 1 });
  }, 30_000);

  afterAll(async () => {
    await sentinel?.stop();
  });

  function sentinelOptions(overrides: object = {}): NodeRedisPortOptions {
    return { sentinel: { name: sentinel.masterName, nodes: [...sentinel.nodes], ...overrides } };
  }

  it('opens (the reference case)', async () => {
    const outcome = await opening(sentinelOptions());
    expect(outcome.error).toBeUndefined();
  });

  it('fails at once when the master refuses the database number', async () => {
    const outcome = await opening({ ...sentinelOptions(), clientOptions: { database: 99 } });
    expectFailedAtOnce(
      outcome,
      /^clientOptions\.database: Redis refused the database number \(the master at 127\.0\.0\.1:\d+\): ERR DB index is out of range/,
    );
  });

  it('fails at once when every Sentinel refuses the credentials', async () => {
    const outcome = await opening(sentinelOptions({ sentinelPassword: 'secret' }));
    expectFailedAtOnce(
      outcome,
      /^sentinel\.sentinelPassword: Redis refused the credentials: ERR AUTH /,
    );
  });

  it('fails at once when no Sentinel resolves', async (context) => {
    context.skip(
      !resolverAnswers,
      `this machine's resolver does not answer ENOTFOUND for ${UNRESOLVABLE}`,
    );
    const outcome = await opening({
      sentinel: { name: sentinel.masterName, nodes: [{ host: UNRESOLVABLE, port: 26379 }] },
    });
    expectFailedAtOnce(
      outcome,
      /^sentinel\.nodes: the host name does not resolve: getaddrinfo ENOTFOUND /,
    );
  });

  it('opens through the Sentinels that work when one does not resolve', async () => {
    const outcome = await opening({
      sentinel: {
        name: sentinel.masterName,
        nodes: [{ host: UNRESOLVABLE, port: 26379 }, ...sentinel.nodes],
      },
    });
    expect(outcome.error).toBeUndefined();
  });

  it('retries until connectTimeout while no Sentinel answers', async () => {
    const port = await freePort();
    const outcome = await opening({
      sentinel: { name: sentinel.masterName, nodes: [{ host: '127.0.0.1', port }] },
      connectTimeout: 1_000,
    });
    expect(isSessError(outcome.error, 'UNAVAILABLE'), String(outcome.error)).toBe(true);
    expect((outcome.error as Error).message).toMatch(
      /^no connection to the Redis master through Sentinel within 1000 ms \(connectTimeout\); the last attempt failed with: connect ECONNREFUSED /,
    );
  });
});
