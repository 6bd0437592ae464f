import { createSessionStore, isSessError } from '@sess/core';
import { newSessionId } from '@sess/core/internal';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNodeRedisPort, type NodeRedisPort } from '../src/index.js';
import { luaScript, uniqueKey } from './support/lua.js';
import { waitUntil } from './support/wait-until.js';

let server: RedisServer;
let port: NodeRedisPort;
let connectionErrors: Error[];

beforeEach(async () => {
  server = await startRedis({ env: false, audit: true });
  connectionErrors = [];
  port = await createNodeRedisPort({
    url: server.url,
    reconnect: { minDelay: 20, maxDelay: 200 },
    onError: (error) => connectionErrors.push(error),
  });
});

afterEach(async () => {
  // stop() resumes a paused server first.
  await port?.close();
  await server?.stop();
});

const ping = { command: 'PING', keys: [], args: [] } as const;

/** Resolves true once the port answers PING again. */
async function answers(target: NodeRedisPort): Promise<boolean> {
  return target.send(ping).then(
    () => true,
    () => false,
  );
}

async function failure(call: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

describe('a killed server', () => {
  it('makes calls fail fast with UNAVAILABLE, and the port recovers when it is back', async () => {
    const dedicated = await port.dedicated();
    const key = uniqueKey('k');
    await port.send({ command: 'SET', keys: [key], args: [key, 'before'] });
    const incr = luaScript('incr', "return redis.call('INCR', KEYS[1])", true);
    expect(await port.script({ script: incr, keys: [`${key}:n`], args: [] })).toBe(1);

    await server.kill();
    await waitUntil(async () => !(await answers(port)), 2_000, 'the port did not notice');

    // While it is down, every kind of call fails at once (no offline queue, no waiting).
    for (const call of [
      port.send(ping),
      port.script({ script: luaScript('one', 'return 1'), keys: [], args: [] }),
      port.batch([ping, ping]),
      dedicated.send(ping),
    ]) {
      const { error, ms } = await failure(call);
      expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
      expect(ms).toBeLessThan(50);
    }
    expect(connectionErrors.length).toBeGreaterThan(0);

    await server.restart();
    await waitUntil(() => answers(port), 5_000, 'the port did not reconnect');
    await waitUntil(() => answers(dedicated), 5_000, 'the dedicated port did not reconnect');
    // A fresh server: empty, and without the script cache. The new connection sends the
    // script in full again, so the batch still runs in order.
    expect(await port.send({ command: 'GET', keys: [key], args: [key] })).toBeNull();
    const counter = `${key}:n`;
    expect(
      await port.batch([
        { script: incr, keys: [counter], args: [] },
        { command: 'GET', keys: [counter], args: [counter] },
      ]),
    ).toEqual([1, '1']);
  }, 20_000);

  it('fails calls that were waiting for an answer when the connection dropped', async () => {
    const stream = uniqueKey('stream');
    const dedicated = await port.dedicated();
    const blocked = failure(
      dedicated.send({
        command: 'XREAD',
        keys: [stream],
        args: ['BLOCK', 0, 'STREAMS', stream, '$'],
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.kill();
    const { error } = await blocked;
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
  });

  it('never crashes the process through an unhandled error event (default onError)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const quietless = await createNodeRedisPort({
      url: server.url,
      reconnect: { minDelay: 10, maxDelay: 20 },
    });
    await server.kill();
    // Reconnect attempts every 10-20 ms, each an error event: one warning for all of them.
    await waitUntil(() => warn.mock.calls.length > 0, 2_000, 'no warning');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^@sess\/node-redis: Redis connection error/);
    await quietless.close();
    warn.mockRestore();
  });
});

describe('a paused server (SIGSTOP)', () => {
  it('lets a call with an AbortSignal fail with UNAVAILABLE on time, and recovers on SIGCONT', async () => {
    server.pause();
    const { error, ms } = await failure(port.send(ping, { signal: AbortSignal.timeout(300) }));
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    expect(ms).toBeLessThan(400);

    const batch = await failure(port.batch([ping, ping], { signal: AbortSignal.timeout(300) }));
    expect(isSessError(batch.error, 'UNAVAILABLE')).toBe(true);
    expect(batch.ms).toBeLessThan(400);

    const script = await failure(
      port.script(
        { script: luaScript('three', 'return 3'), keys: [], args: [] },
        { signal: AbortSignal.timeout(300) },
      ),
    );
    expect(isSessError(script.error, 'UNAVAILABLE')).toBe(true);
    expect(script.ms).toBeLessThan(400);

    server.resume();
    await waitUntil(() => answers(port), 5_000, 'the port did not answer after SIGCONT');
  }, 10_000);

  it("fails the store's operation at its deadline, and the store works again on SIGCONT", async () => {
    const store = createSessionStore({ port, operationTimeout: 300 });
    const session = await store.create({ user: 'ada' });
    server.pause();
    const { error, ms } = await failure(store.load(session.id));
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    expect(ms).toBeLessThan(400);

    server.resume();
    await waitUntil(
      () =>
        store.load(session.id).then(
          (loaded) => loaded?.get('user') === 'ada',
          () => false,
        ),
      5_000,
      'the store did not recover',
    );
    expect(await store.load(newSessionId())).toBeNull();
    await store.close();
  }, 10_000);

  it('fails a new port with UNAVAILABLE after connectTimeout (the handshake never answers)', async () => {
    server.pause();
    const started = Date.now();
    const error = await createNodeRedisPort({
      url: server.url,
      connectTimeout: 300,
      onError: () => {},
    }).catch((e: unknown) => e);
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    // connectTimeout plus the client's construction (slow the first time in a worker).
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('rejects every call waiting on one shared signal when it aborts, and only those', async () => {
    // The core shares one signal among the operations due in the same few ms.
    server.pause();
    const shared = new AbortController();
    const own = new AbortController();
    const waiting = Array.from({ length: 20 }, (_, i) =>
      failure(
        i % 2 === 0
          ? port.send(ping, { signal: shared.signal })
          : port.batch([ping], { signal: shared.signal }),
      ),
    );
    const other = port.send(ping, { signal: own.signal });
    shared.abort(new Error('deadline'));
    for (const { error, ms } of await Promise.all(waiting)) {
      expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
      expect(ms).toBeLessThan(100);
    }
    server.resume();
    // The call on its own signal was not touched by the other's abort: Redis answers it.
    expect(await other).toBe('PONG');
    // A settled call leaves nothing behind on the signal it used.
    const later = new AbortController();
    expect(await port.send(ping, { signal: later.signal })).toBe('PONG');
    later.abort();
    expect(await port.send(ping)).toBe('PONG');
  });

  it('rejects an already aborted call without sending it', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const { error, ms } = await failure(port.send(ping, { signal: controller.signal }));
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(ms).toBeLessThan(50);
  });
});

describe('a dedicated port whose call was aborted', () => {
  it('drops that connection (and the blocked read on it) and goes on with a new one', async () => {
    const dedicated = await port.dedicated();
    const stream = uniqueKey('stream');
    const clientId = async (target: NodeRedisPort) =>
      Number(await target.send({ command: 'CLIENT', keys: [], args: ['ID'] }));
    const first = await clientId(dedicated);
    const read = dedicated.send(
      { command: 'XREAD', keys: [stream], args: ['BLOCK', 0, 'STREAMS', stream, '$'] },
      { signal: AbortSignal.timeout(100) },
    );
    const { error } = await failure(read);
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);

    // The next call does not queue behind the abandoned read: it gets a new connection.
    const started = Date.now();
    const second = await clientId(dedicated);
    expect(second).not.toBe(first);
    expect(Date.now() - started).toBeLessThan(1_000);
    await waitUntil(
      async () => {
        const clients = String(await port.send({ command: 'CLIENT', keys: [], args: ['LIST'] }));
        return !clients.includes(`id=${first} `);
      },
      2_000,
      'the abandoned connection is still on the server',
    );
    await dedicated.close();
  });
});
