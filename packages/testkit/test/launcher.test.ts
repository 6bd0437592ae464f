import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../src/index.js';
import { ping } from '../src/redis-ping.js';
import { command, cwdOf, isAlive } from './support/redis-probe.js';

const savedUrl = process.env.REDIS_URL;
const started: RedisServer[] = [];

async function start(options: Parameters<typeof startRedis>[0] = {}): Promise<RedisServer> {
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

describe('startRedis with redis-server on PATH', () => {
  it('starts a server on a free loopback port; stop() kills it, removes its dir, and can be repeated', async () => {
    const server = await start();
    expect(server.source).toBe('binary');
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    const pid = server.pid as number;
    expect(pid).toBeTypeOf('number');
    expect(await command(server, ['PING'])).toBe('PONG');
    expect(await command(server, ['SET', 'k', 'v'])).toBe('OK');

    const dir = cwdOf(pid);
    expect(dir).toMatch(/sess-redis-/);

    await server.stop();
    expect(isAlive(pid)).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(existsSync(dir as string)).toBe(false);
    expect(await ping(server, 300)).toBe(false);
    await server.stop();
  });

  it('runs without persistence and with the extra args', async () => {
    const server = await start({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    const persistence = String(await command(server, ['INFO', 'persistence']));
    expect(persistence).toMatch(/aof_enabled:0/);
    const memory = String(await command(server, ['INFO', 'memory']));
    expect(memory).toMatch(/maxmemory_policy:allkeys-lru/);
  });

  it('two servers get two ports', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a?.port).not.toBe(b?.port);
  });

  it('pause() makes PING time out, resume() makes it answer', async () => {
    const server = await start();
    server.pause();
    expect(await ping(server, 300)).toBe(false);
    server.resume();
    expect(await ping(server, 2_000)).toBe(true);
  });

  it('stop() of a paused server resumes and stops it', async () => {
    const server = await start();
    const pid = server.pid as number;
    server.pause();
    await server.stop();
    expect(isAlive(pid)).toBe(false);
  });

  it('kill() crashes the server; restart() brings it back on the same port with the same args', async () => {
    const server = await start({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    const { port } = server;
    const pid = server.pid as number;
    await command(server, ['SET', 'k', 'v']);

    await server.kill();
    expect(isAlive(pid)).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(await ping(server, 300)).toBe(false);

    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(await command(server, ['PING'])).toBe('PONG');
    // No persistence: a restart starts empty.
    expect(await command(server, ['GET', 'k'])).toBeNull();
    expect(String(await command(server, ['INFO', 'memory']))).toMatch(
      /maxmemory_policy:allkeys-lru/,
    );
  });

  it('restart() after stop() starts it again, and of a running server replaces the process', async () => {
    const server = await start();
    const first = server.pid as number;
    await server.stop();
    await server.restart();
    const second = server.pid as number;
    expect(second).not.toBe(first);
    expect(await command(server, ['PING'])).toBe('PONG');
    await server.restart();
    expect(isAlive(second)).toBe(false);
    expect(await command(server, ['PING'])).toBe('PONG');
  });

  it('a bad argument fails the start with redis-server’s own message', async () => {
    await expect(startRedis({ args: ['--no-such-option', 'x'] })).rejects.toThrow(
      /no-such-option|Bad directive/i,
    );
  });
});

describe('startRedis: where Redis comes from', () => {
  it('REDIS_URL comes first: the existing server is used, not owned', async () => {
    const existing = await start({ env: false });
    process.env.REDIS_URL = existing.url;
    const server = await start();
    expect(server.source).toBe('env');
    expect(server.url).toBe(existing.url);
    expect(server.port).toBe(existing.port);
    expect(server.pid).toBeUndefined();
    expect(() => server.pause()).toThrow(/REDIS_URL/);
    expect(() => server.resume()).toThrow(/owns no process/);
    await expect(server.kill()).rejects.toThrow(/source 'env'/);
    await expect(server.restart()).rejects.toThrow(/source 'env'/);
    await server.stop();
    // Stopping it leaves the existing server alone.
    expect(await command(existing, ['PING'])).toBe('PONG');
  });

  it('REDIS_URL is skipped when redis-server args are asked for, or with env: false', async () => {
    const existing = await start({ env: false });
    process.env.REDIS_URL = existing.url;
    const withArgs = await start({ args: ['--maxmemory-policy', 'noeviction'] });
    expect(withArgs.source).toBe('binary');
    expect(withArgs.port).not.toBe(existing.port);
    const envOff = await start({ env: false });
    expect(envOff.source).toBe('binary');
  });

  it('a REDIS_URL nobody answers at fails with a message naming it', async () => {
    const gone = await start({ env: false });
    const url = gone.url;
    await gone.stop();
    process.env.REDIS_URL = url;
    await expect(startRedis({ startTimeout: 300 })).rejects.toThrow(`REDIS_URL=${url}`);
  });

  it('with no Redis anywhere, the error says how to get one', async () => {
    const failure = await startRedis({
      redisServerPath: '/nonexistent/redis-server',
      docker: false,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(/No Redis to test against/);
    expect(message).toMatch(/REDIS_URL: not set/);
    expect(message).toMatch(/\/nonexistent\/redis-server is not an executable file/);
    expect(message).toMatch(/Docker: not used/);
    expect(message).toMatch(/apt-get install redis-server/);
    expect(message).toMatch(/set REDIS_URL=redis:\/\/host:port/);
    expect(message).toMatch(/Docker and the testcontainers package/);
  });

  // Only meaningful where Docker is not running: elsewhere it would start a container.
  it.skipIf(process.env.DOCKER_HOST !== undefined || existsSync('/var/run/docker.sock'))(
    'without a Docker daemon, the error says what testcontainers found',
    async () => {
      await expect(startRedis({ redisServerPath: false })).rejects.toThrow(
        /Docker via testcontainers: .+\n/,
      );
    },
    20_000,
  );

  it('redisServerPath: false skips the binary', async () => {
    await expect(startRedis({ redisServerPath: false, docker: false })).rejects.toThrow(
      /redis-server: not used/,
    );
  });

  it('audit() without { audit: true } says how to turn it on', async () => {
    const server = await start();
    await expect(server.audit()).rejects.toThrow(/startRedis\(\{ audit: true \}\)/);
  });
});
