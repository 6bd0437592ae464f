import { isSessError } from '@sess/core';
import { type RedisServer, startRedis } from '@sess/testkit';
import { createClient, createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRedisPort, type NodeRedisPortOptions } from '../src/index.js';
import { uniqueKey } from './support/lua.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedis({ env: false, audit: true });
});

afterAll(async () => {
  await server?.stop();
});

const quiet = { onError: () => {} };

const localhost = { host: 'localhost', port: 26379 };
const sentinelOptions = { name: 'mymaster', nodes: [localhost] };

describe('options', () => {
  const cases: Array<[string, NodeRedisPortOptions]> = [
    ['url', { url: 'http://localhost' }],
    ['connectTimeout', { connectTimeout: 0 }],
    ['reconnect.minDelay', { reconnect: { minDelay: -1 } }],
    ['reconnect.maxDelay', { reconnect: { minDelay: 100, maxDelay: 50 } }],
    ['onError', { onError: 'log' as unknown as () => void }],
    ['clientOptions.RESP', { clientOptions: { RESP: 3 } as NodeRedisPortOptions['clientOptions'] }],
    [
      'clientOptions.disableOfflineQueue',
      { clientOptions: { disableOfflineQueue: false } as NodeRedisPortOptions['clientOptions'] },
    ],
    [
      'clientOptions.socket.reconnectStrategy',
      { clientOptions: { socket: { reconnectStrategy: false } } },
    ],
    ['clientOptions.socket.connectTimeout', { clientOptions: { socket: { connectTimeout: 10 } } }],
    ['client', { client: createClient() }],
    ['client', { client: {} as NodeRedisPortOptions['client'] }],
    ['url', { client: createClient({ RESP: 2 }), url: 'redis://localhost' }],
    ['reconnect', { client: createClient({ RESP: 2 }), reconnect: {} }],
    ['sentinel', { client: createClient({ RESP: 2 }), sentinel: sentinelOptions }],
    ['maxQueueLength', { maxQueueLength: 0 }],
    [
      'clientOptions.commandsQueueMaxLength',
      {
        clientOptions: { commandsQueueMaxLength: 5 } as NodeRedisPortOptions['clientOptions'],
      },
    ],
    // node-redis' default strategy would close this client for good on its first socket timeout.
    ['client', { client: createClient({ RESP: 2, socket: { socketTimeout: 1_000 } }) }],
    ['client', { client: createCluster({ rootNodes: [{ url: 'redis://localhost:1' }] }) }],
    [
      'client',
      {
        client: createCluster({
          RESP: 2,
          rootNodes: [{ url: 'redis://localhost:1' }],
          defaults: { socket: { socketTimeout: 1_000 } },
        }),
      },
    ],
    ['sentinel', { sentinel: null as unknown as NodeRedisPortOptions['sentinel'] }],
    ['sentinel.name', { sentinel: { ...sentinelOptions, name: '' } }],
    ['sentinel.nodes', { sentinel: { ...sentinelOptions, nodes: [] } }],
    [
      'sentinel.nodes[1]',
      { sentinel: { ...sentinelOptions, nodes: [localhost, { host: 'h', port: 0 }] } },
    ],
    ['cluster.rootNodes', { cluster: { rootNodes: [] } }],
    ['cluster.rootNodes[1]', { cluster: { rootNodes: ['redis://a:1', 'http://b:2'] } }],
    ['cluster.rootNodes[0]', { cluster: { rootNodes: [{ host: '', port: 1 }] } }],
    ['cluster.refreshAfter', { cluster: { rootNodes: ['redis://a:1'], refreshAfter: 0 } }],
    ['cluster', { url: 'redis://a:1', cluster: { rootNodes: ['redis://a:1'] } }],
    ['cluster', { sentinel: sentinelOptions, cluster: { rootNodes: ['redis://a:1'] } }],
  ];

  it.each(cases)('names %s when it is wrong', async (name, options) => {
    const error = await createNodeRedisPort(options).catch((e: unknown) => e);
    expect(isSessError(error, 'INVALID_OPTION')).toBe(true);
    expect((error as Error).message.startsWith(`${name}: `)).toBe(true);
  });
});

describe('a client of yours', () => {
  it('is connected if it is not open yet, and left open by close()', async () => {
    const client = createClient({ url: server.url, RESP: 2 });
    const port = await createNodeRedisPort({ client, ...quiet });
    expect(client.isReady).toBe(true);
    const key = uniqueKey('yours');
    await port.send({ command: 'SET', keys: [key], args: [key, 'v'] });
    await port.close();
    expect(client.isReady).toBe(true);
    expect(await client.get(key)).toBe('v');
    await client.close();
  });

  it('may be connected already', async () => {
    const client = createClient({ url: server.url, RESP: 2 });
    client.on('error', () => {});
    await client.connect();
    const port = await createNodeRedisPort({ client });
    expect(await port.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
    await port.close();
    expect(client.isOpen).toBe(true);
    await client.close();
  });

  it('loses the port listeners on close()', async () => {
    const client = createClient({ url: server.url, RESP: 2 });
    const port = await createNodeRedisPort({ client, ...quiet });
    expect(client.listenerCount('error')).toBe(1);
    expect(client.listenerCount('ready')).toBe(1);
    await port.close();
    expect(client.listenerCount('error')).toBe(0);
    expect(client.listenerCount('ready')).toBe(0);
    await client.close();
  });

  it('is destroyed again (not open, not listened to) if the port could not connect it', async () => {
    const nowhere = await startRedis({ env: false });
    await nowhere.stop();
    const client = createClient({ url: nowhere.url, RESP: 2 });
    const error = await createNodeRedisPort({ client, connectTimeout: 200, ...quiet }).catch(
      (e: unknown) => e,
    );
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    expect(client.isOpen).toBe(false);
    expect(client.listenerCount('error')).toBe(0);
  });

  it('gets its dedicated duplicates closed by close(), not itself', async () => {
    const client = createClient({ url: server.url, RESP: 2 });
    const port = await createNodeRedisPort({ client, ...quiet });
    const dedicated = await port.dedicated();
    await port.close();
    expect(client.isOpen).toBe(true);
    expect(dedicated.client.isOpen).toBe(false);
    await client.close();
  });
});

describe('a client the port creates', () => {
  it('is closed by close(); later calls fail with UNAVAILABLE', async () => {
    const port = await createNodeRedisPort({ url: server.url, ...quiet });
    expect(port.client.isReady).toBe(true);
    await port.close();
    await port.close();
    expect(port.client.isOpen).toBe(false);
    const error = await port.send({ command: 'PING', keys: [], args: [] }).catch((e: unknown) => e);
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
  });

  it('takes clientOptions (here: a database number)', async () => {
    const port = await createNodeRedisPort({ url: server.url, clientOptions: { database: 3 } });
    const key = uniqueKey('db3');
    await port.send({ command: 'SET', keys: [key], args: [key, 'x'] });
    const other = await createNodeRedisPort({ url: server.url });
    expect(await other.send({ command: 'GET', keys: [key], args: [key] })).toBeNull();
    await port.close();
    await other.close();
  });

  it('fails with UNAVAILABLE when nothing answers within connectTimeout', async () => {
    const nowhere = await startRedis({ env: false });
    await nowhere.stop();
    const errors: Error[] = [];
    const started = Date.now();
    const error = await createNodeRedisPort({
      url: nowhere.url,
      connectTimeout: 300,
      onError: (e) => errors.push(e),
    }).catch((e: unknown) => e);
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('dedicated()', () => {
  it('serves blocking reads on a connection of its own', async () => {
    const port = await createNodeRedisPort({ url: server.url, ...quiet });
    const dedicated = await port.dedicated();
    expect(dedicated.client).not.toBe(port.client);
    const stream = uniqueKey('stream');
    const read = dedicated.send({
      command: 'XREAD',
      keys: [stream],
      args: ['BLOCK', 2_000, 'STREAMS', stream, '$'],
    });
    // The read does not hold up the main connection.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await port.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
    const id = await port.send({ command: 'XADD', keys: [stream], args: [stream, '*', 'f', 'v'] });
    expect(await read).toEqual([[stream, [[id, ['f', 'v']]]]]);
    await dedicated.close();
    expect(await port.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
    await port.close();
  });

  it('rejects a pending blocking read with UNAVAILABLE when closed', async () => {
    const port = await createNodeRedisPort({ url: server.url, ...quiet });
    const dedicated = await port.dedicated();
    const stream = uniqueKey('stream');
    const read = dedicated
      .send({ command: 'XREAD', keys: [stream], args: ['BLOCK', 0, 'STREAMS', stream, '$'] })
      .catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await dedicated.close();
    expect(isSessError(await read, 'UNAVAILABLE')).toBe(true);
    expect(Date.now() - started).toBeLessThan(200);
    await port.close();
  });

  it('is closed with the port that opened it', async () => {
    const port = await createNodeRedisPort({ url: server.url, ...quiet });
    const dedicated = await port.dedicated();
    await port.close();
    expect(dedicated.client.isOpen).toBe(false);
    const error = await dedicated.send({ command: 'PING', keys: [], args: [] }).catch((e) => e);
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
  });

  it('reports cluster: false', async () => {
    const port = await createNodeRedisPort({ url: server.url, ...quiet });
    expect(port.capabilities).toEqual({ cluster: false });
    await port.close();
  });
});

describe('topology', () => {
  it('a standalone port says so, and lists its one server', async () => {
    const port = await createNodeRedisPort({ url: server.url, ...quiet });
    expect(port.topology).toBe('standalone');
    expect(port.capabilities.cluster).toBe(false);
    const nodes = await port.nodes();
    expect(nodes.map(({ address, role }) => ({ address, role }))).toEqual([
      { address: `${server.host}:${server.port}`, role: 'master' },
    ]);
    expect(await nodes[0]?.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
    await port.close();
  });
});
