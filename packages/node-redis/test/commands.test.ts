import { isSessError, type RedisPort } from '@sess/core';
import { type RedisServer, startRedis } from '@sess/testkit';
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNodeRedisPort, type NodeRedisPort } from '../src/index.js';
import { luaScript, uniqueKey } from './support/lua.js';

let server: RedisServer;
let port: NodeRedisPort;

beforeAll(async () => {
  server = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: server.url });
});

afterAll(async () => {
  await port?.close();
  await server?.stop();
});

const echo = luaScript('echo', 'return {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1}');

describe('send', () => {
  it('answers in RESP2 shapes: strings, integers, nil, flat arrays', async () => {
    const key = uniqueKey('hash');
    expect(await port.send({ command: 'HSET', keys: [key], args: [key, 'a', 1, 'b', 'two'] })).toBe(
      2,
    );
    expect(await port.send({ command: 'HGETALL', keys: [key], args: [key] })).toEqual([
      'a',
      '1',
      'b',
      'two',
    ]);
    expect(await port.send({ command: 'HGET', keys: [key], args: [key, 'missing'] })).toBeNull();
    expect(await port.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
  });

  it('sends numbers as their decimal string', async () => {
    const key = uniqueKey('zset');
    await port.send({
      command: 'ZADD',
      keys: [key],
      args: [key, 1.5, 'm', 1_700_000_000_000, 'n'],
    });
    expect(
      await port.send({ command: 'ZRANGE', keys: [key], args: [key, 0, -1, 'WITHSCORES'] }),
    ).toEqual(['m', '1.5', 'n', '1700000000000']);
  });

  it('rejects an error reply with a plain Error carrying the Redis message', async () => {
    const key = uniqueKey('string');
    await port.send({ command: 'SET', keys: [key], args: [key, 'x'] });
    const error = await port
      .send({ command: 'HGET', keys: [key], args: [key, 'f'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isSessError(error)).toBe(false);
    expect((error as Error).message).toMatch(/^WRONGTYPE/);
  });
});

describe('script', () => {
  it('runs a script with keys and args', async () => {
    const key = uniqueKey('k');
    expect(await port.script({ script: echo, keys: [key], args: ['v', 41] })).toEqual([
      key,
      'v',
      42,
    ]);
  });

  it('sends a script in full once per connection, then by hash', async () => {
    const { port: spied, commands, close } = await spiedPort();
    const script = luaScript('fresh', 'return ARGV[1]', true);
    expect(await spied.script({ script, keys: [], args: ['one'] })).toBe('one');
    expect(await spied.script({ script, keys: [], args: ['two'] })).toBe('two');
    expect(commands).toEqual(['EVAL', 'EVALSHA']);
    await close();
  });

  it('falls back to EVAL on NOSCRIPT (a flushed script cache), then uses EVALSHA again', async () => {
    const { port: spied, commands, close } = await spiedPort();
    const script = luaScript('fresh', 'return ARGV[1]', true);
    expect(await spied.script({ script, keys: [], args: ['one'] })).toBe('one');
    await spied.send({ command: 'SCRIPT', keys: [], args: ['FLUSH'] });
    commands.length = 0;
    expect(await spied.script({ script, keys: [], args: ['two'] })).toBe('two');
    expect(await spied.script({ script, keys: [], args: ['three'] })).toBe('three');
    expect(commands).toEqual(['EVALSHA', 'EVAL', 'EVALSHA']);
    await close();
  });
});

describe('batch', () => {
  it('answers in order, an error reply standing in its slot', async () => {
    const text = uniqueKey('text');
    const counter = uniqueKey('counter');
    const results = await port.batch([
      { command: 'SET', keys: [text], args: [text, 'hello'] },
      { command: 'INCR', keys: [text], args: [text] },
      { script: echo, keys: [counter], args: ['s', 1] },
      { command: 'INCRBY', keys: [counter], args: [counter, 5] },
      { command: 'GET', keys: [text], args: [text] },
    ]);
    expect(results[0]).toBe('OK');
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[1] as Error).message).toMatch(/^ERR value is not an integer/);
    expect(results.slice(2)).toEqual([[counter, 's', 2], 5, 'hello']);
  });

  it('writes every call before waiting for any answer (one round trip)', async () => {
    const { port: spied, commands, close } = await spiedPort();
    const key = uniqueKey('rt');
    const pending = spied.batch([
      { command: 'SET', keys: [key], args: [key, 1] },
      { command: 'GET', keys: [key], args: [key] },
      { script: echo, keys: [key], args: ['x', 1] },
      { script: echo, keys: [key], args: ['y', 2] },
    ]);
    // All were handed to node-redis synchronously: it writes them in one go. The script goes in
    // full the first time on this connection, by hash after that, even in the same batch.
    expect(commands).toEqual(['SET', 'GET', 'EVAL', 'EVALSHA']);
    expect(await pending).toEqual(['OK', '1', [key, 'x', 2], [key, 'y', 3]]);
    await close();
  });

  it('runs the calls in order when a script is new to the connection', async () => {
    const key = uniqueKey('order');
    const script = luaScript('fresh', "return redis.call('INCR', KEYS[1])", true);
    const results = await port.batch([
      { script, keys: [key], args: [] },
      { command: 'GET', keys: [key], args: [key] },
      { script, keys: [key], args: [] },
      { command: 'GET', keys: [key], args: [key] },
    ]);
    expect(results).toEqual([1, '1', 2, '2']);
  });

  it('retries only the scripts Redis did not know, as EVAL, in a second round trip', async () => {
    const { port: spied, commands, close } = await spiedPort();
    const key = uniqueKey('noscript');
    const script = luaScript('fresh', "return redis.call('INCR', KEYS[1])", true);
    await spied.script({ script, keys: [key], args: [] });
    await spied.send({ command: 'SCRIPT', keys: [], args: ['FLUSH'] });
    commands.length = 0;
    const results = await spied.batch([
      { command: 'SET', keys: [key], args: [key, 10] },
      { script, keys: [key], args: [] },
      { command: 'GET', keys: [key], args: [key] },
    ]);
    expect(commands).toEqual(['SET', 'EVALSHA', 'GET', 'EVAL']);
    // The retried script ran after the GET: the one case where a batch runs out of order.
    expect(results).toEqual(['OK', 11, '10']);
    expect(await spied.send({ command: 'GET', keys: [key], args: [key] })).toBe('11');
    await close();
  });

  it('answers an empty batch with nothing', async () => {
    expect(await port.batch([])).toEqual([]);
  });
});

describe('RESP2 regardless of the client', () => {
  it('ignores a type mapping the client was given', async () => {
    const client = createClient({
      url: server.url,
      RESP: 2,
      commandOptions: { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } },
    });
    const own = await createNodeRedisPort({ client });
    const key = uniqueKey('mapped');
    await own.send({ command: 'SET', keys: [key], args: [key, 'plain'] });
    expect(await own.send({ command: 'GET', keys: [key], args: [key] })).toBe('plain');
    await own.close();
    await client.close();
  });

  it('ignores a type mapping given with withTypeMapping()', async () => {
    const client = createClient({ url: server.url, RESP: 2 });
    await client.connect();
    const own = await createNodeRedisPort({
      client: client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }),
    });
    const key = uniqueKey('mapped');
    await own.send({ command: 'SET', keys: [key], args: [key, 'plain'] });
    expect(await own.send({ command: 'GET', keys: [key], args: [key] })).toBe('plain');
    expect(await own.batch([{ command: 'GET', keys: [key], args: [key] }])).toEqual(['plain']);
    await own.close();
    await client.close();
  });
});

/** A port over a client of the test's own, recording the name of every command it sends. */
async function spiedPort(): Promise<{
  port: RedisPort;
  commands: string[];
  close: () => Promise<void>;
}> {
  const client = createClient({ url: server.url, RESP: 2 });
  const commands: string[] = [];
  const original = client.sendCommand.bind(client);
  vi.spyOn(client, 'sendCommand').mockImplementation((args, options) => {
    commands.push(String(args[0]));
    return original(args, options);
  });
  const spied = await createNodeRedisPort({ client });
  // The PING the port opens with (a password check) is not one of the calls under test.
  commands.length = 0;
  return {
    port: spied,
    commands,
    close: async () => {
      await spied.close();
      await client.close();
    },
  };
}
