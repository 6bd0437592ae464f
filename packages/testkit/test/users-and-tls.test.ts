import { existsSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisServer, type StartRedisOptions, startRedis } from '../src/index.js';
import { RespConnection } from '../src/resp-connection.js';

const savedUrl = process.env.REDIS_URL;
const started: RedisServer[] = [];

async function start(options: StartRedisOptions): Promise<RedisServer> {
  const server = await startRedis(options);
  started.push(server);
  return server;
}

beforeEach(() => {
  delete process.env.REDIS_URL;
});

afterEach(async () => {
  if (savedUrl === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = savedUrl;
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

/** One command as `user` (AUTH first) on a raw connection to the plain port. */
async function callAs(
  server: RedisServer,
  user: { name: string; password: string },
  args: readonly string[],
): Promise<string> {
  let connection: RespConnection | undefined;
  try {
    connection = await RespConnection.open({
      host: server.host,
      port: server.port,
      username: user.name,
      password: user.password,
    });
    return String(await connection.call(args));
  } catch (error) {
    return (error as Error).message;
  } finally {
    connection?.destroy();
  }
}

/** PING over TLS; resolves with the reply, or rejects with the handshake's error. */
function tlsPing(
  port: number,
  options: { ca?: string; cert?: string; key?: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ...options }, () => {
      socket.write('*1\r\n$4\r\nPING\r\n');
    });
    socket.setEncoding('utf8');
    socket.once('data', (reply: string) => {
      socket.destroy();
      resolve(reply.trim());
    });
    socket.once('error', reject);
    // A server that refuses the client certificate may close the connection after the handshake.
    socket.once('close', () => reject(new Error('connection closed without a reply')));
  });
}

describe('startRedis({ users })', () => {
  const app = { name: 'app', password: 's3cret', rules: 'resetkeys ~app:* -@all +@hash' };

  it('creates the users, keeps default unrestricted, and gives a URL per user', async () => {
    const server = await start({ env: false, audit: true, users: [app] });
    expect(server.urlAs('app')).toBe(`redis://app:s3cret@127.0.0.1:${server.port}`);
    expect(await callAs(server, app, ['HSET', 'app:1', 'a', '1'])).toBe('1');
    expect(await callAs(server, app, ['HSET', 'other:1', 'a', '1'])).toMatch(/^NOPERM/);
    expect(await callAs(server, app, ['GET', 'app:1'])).toMatch(/^NOPERM/);
    expect(await callAs(server, { name: 'app', password: 'wrong' }, ['PING'])).toMatch(/WRONGPASS/);
    // The default user (the testkit's, the audit's) may do anything.
    const admin = await RespConnection.open(server);
    try {
      expect(await admin.call(['ACL', 'WHOAMI'])).toBe('default');
      expect(String(await admin.call(['ACL', 'LIST']))).toMatch(/user app on/);
    } finally {
      admin.destroy();
    }
    expect(() => server.urlAs('nobody')).toThrow(/no such user; .* users: app/);
    // A restart keeps them: they are arguments of the server.
    await server.restart();
    expect(await callAs(server, app, ['HSET', 'app:1', 'a', '1'])).toBe('1');
  });

  it('refuses users it cannot create, and options it does not know', async () => {
    const cases: Array<[StartRedisOptions, RegExp]> = [
      [{ users: [{ ...app, name: 'default' }] }, /users\[0\]\.name: 'default' is the testkit's/],
      [{ users: [app, app] }, /users\[1\]\.name: 'app' is given twice/],
      [{ users: [{ ...app, password: 'two words' }] }, /users\[0\]\.password/],
      [
        { users: [{ ...app, role: 'x' } as unknown as typeof app] },
        /users\[0\]\.role: unknown option/,
      ],
      [{ tls: { clientAuth: true } as unknown as boolean }, /tls\.clientAuth: unknown option/],
      [
        { user: [app] } as unknown as StartRedisOptions,
        /^user: unknown option; did you mean `users`\?/,
      ],
    ];
    for (const [options, message] of cases) {
      await expect(startRedis({ env: false, ...options })).rejects.toThrow(message);
    }
  });

  it('does not use REDIS_URL when users are given', async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    const server = await start({ users: [app], docker: false });
    expect(server.source).toBe('binary');
  });
});

describe('startRedis({ tls })', () => {
  it('adds a TLS port with a throwaway CA; the plain port stays for the testkit', async () => {
    const server = await start({ env: false, audit: true, tls: true });
    const tls = server.tls;
    if (!tls) throw new Error('no tls');
    expect(tls.url).toBe(`rediss://127.0.0.1:${tls.port}`);
    expect(tls.port).not.toBe(server.port);
    expect(tls.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(existsSync(tls.caFile)).toBe(true);
    expect(await tlsPing(tls.port, { ca: tls.ca })).toBe('+PONG');
    await expect(tlsPing(tls.port, {})).rejects.toThrow(/self-signed certificate/);
    expect((await server.audit()).violations).toEqual([]);

    // Same port and certificates after a restart; the files go with the server.
    await server.restart();
    expect(server.tls?.port).toBe(tls.port);
    expect(await tlsPing(tls.port, { ca: tls.ca })).toBe('+PONG');
    await server.stop();
    expect(existsSync(tls.caFile)).toBe(false);
  });

  it('with authClients, the TLS port requires the client certificate it hands out', async () => {
    const app = { name: 'app', password: 'pw', rules: '~app:* +@all' };
    const server = await start({ env: false, tls: { authClients: true }, users: [app] });
    const tls = server.tls;
    if (!tls) throw new Error('no tls');
    expect(tls.urlAs('app')).toBe(`rediss://app:pw@127.0.0.1:${tls.port}`);
    const { cert, key } = tls.client;
    expect(await tlsPing(tls.port, { ca: tls.ca, cert, key })).toBe('+PONG');
    await expect(tlsPing(tls.port, { ca: tls.ca })).rejects.toThrow();
  });

  it('is never a REDIS_URL server', async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    const server = await start({ tls: true, docker: false });
    expect(server.source).toBe('binary');
    expect(server.tls).toBeDefined();
    const plain = await start({ env: false });
    expect(plain.tls).toBeUndefined();
  });
});
