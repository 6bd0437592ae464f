import { describe, expect, it } from 'vitest';
import { createNodeRedisPort } from '../src/index.js';

const sentinel = { name: 'mymaster', nodes: [{ host: 'localhost', port: 26379 }] };
const cluster = { rootNodes: ['redis://localhost:7000'] };

type Build = (extra: Record<string, unknown>) => Record<string, unknown>;

const objects: Record<string, Build> = {
  port: (extra) => ({ url: 'redis://localhost:6379', ...extra }),
  sentinel: (extra) => ({ sentinel: { ...sentinel, ...extra } }),
  cluster: (extra) => ({ cluster: { ...cluster, ...extra } }),
  reconnect: (extra) => ({ reconnect: extra }),
};

/** [options object, key given, the key as the message names it, what the message says about it] */
const rows: Array<[string, string, string, RegExp]> = [
  ['port', 'urls', 'urls', /did you mean `url`\?/],
  ['port', 'connectTimout', 'connectTimout', /did you mean `connectTimeout`\?/],
  ['port', 'maxQueueLenght', 'maxQueueLenght', /did you mean `maxQueueLength`\?/],
  ['port', 'clientOption', 'clientOption', /did you mean `clientOptions`\?/],
  ['port', 'host', 'host', /`url: 'redis:\/\/host:port'`/],
  ['port', 'password', 'password', /`clientOptions: \{ password \}`/],
  ['port', 'db', 'db', /`clientOptions: \{ database \}`/],
  ['port', 'socket', 'socket', /`clientOptions: \{ socket \}`/],
  ['port', 'tls', 'tls', /rediss:\/\//],
  ['port', 'RESP', 'RESP', /RESP2/],
  ['port', 'commandsQueueMaxLength', 'commandsQueueMaxLength', /`maxQueueLength`/],
  ['port', 'rootNodes', 'rootNodes', /`cluster: \{ rootNodes \}`/],
  ['port', 'sentinels', 'sentinels', /`sentinel: \{ name, nodes \}`/],
  ['port', 'retryStrategy', 'retryStrategy', /`reconnect: \{ minDelay, maxDelay \}`/],
  ['port', 'maxRetriesPerRequest', 'maxRetriesPerRequest', /`operationTimeout`/],
  ['port', 'commandTimeout', 'commandTimeout', /`operationTimeout`/],
  ['port', 'minDelay', 'minDelay', /`reconnect: \{ minDelay \}`/],
  ['sentinel', 'nodess', 'sentinel.nodess', /did you mean `nodes`\?/],
  ['sentinel', 'sentinelPasword', 'sentinel.sentinelPasword', /did you mean `sentinelPassword`\?/],
  ['sentinel', 'sentinelRootNodes', 'sentinel.sentinelRootNodes', /`nodes: \[\{ host, port \}/],
  ['sentinel', 'masterName', 'sentinel.masterName', /use `name`/],
  ['sentinel', 'nodeClientOptions', 'sentinel.nodeClientOptions', /`clientOptions`/],
  ['cluster', 'rootnodes', 'cluster.rootnodes', /did you mean `rootNodes`\?/],
  ['cluster', 'refreshAfterMs', 'cluster.refreshAfterMs', /did you mean `refreshAfter`\?/],
  ['cluster', 'defaults', 'cluster.defaults', /`clientOptions`/],
  ['cluster', 'useReplicas', 'cluster.useReplicas', /master of its slot/],
  ['reconnect', 'maxdelay', 'reconnect.maxdelay', /did you mean `maxDelay`\?/],
  [
    'reconnect',
    'retries',
    'reconnect.retries',
    /the options of `reconnect` are `minDelay`, `maxDelay`/,
  ],
];

describe('every options object of the port rejects unknown keys', () => {
  it.each(rows)('%s: %s', async (object, key, named, says) => {
    const options = objects[object]!({ [key]: 1 });
    const error = await createNodeRedisPort(options as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    const message = (error as Error).message;
    expect(message.startsWith(`${named}: `)).toBe(true);
    expect(message).toMatch(says);
  });
});

describe('time options', () => {
  it('name the unit and the default', async () => {
    const error = await createNodeRedisPort({ connectTimeout: 0.5 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'connectTimeout: expected a whole number of milliseconds, 1 or more; got 0.5 (default 5000 ms, 5 seconds)',
    );
  });

  it('blame the reconnect delay that was set', async () => {
    const minOnly = await createNodeRedisPort({ reconnect: { minDelay: 5_000 } }).catch(
      (e: unknown) => e,
    );
    expect((minOnly as Error).message).toMatch(
      /^reconnect\.minDelay: 5000 ms is longer than reconnect\.maxDelay \(2000 ms, its default\)/,
    );
    const maxOnly = await createNodeRedisPort({ reconnect: { maxDelay: 10 } }).catch(
      (e: unknown) => e,
    );
    expect((maxOnly as Error).message).toMatch(
      /^reconnect\.maxDelay: 10 ms is shorter than reconnect\.minDelay \(50 ms, its default\)/,
    );
  });
});
