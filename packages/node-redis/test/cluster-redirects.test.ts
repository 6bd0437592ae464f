import { isSessError } from '@sess/core';
import type { CommandCall } from '@sess/core/port';
import {
  keySlot,
  type RedisClusterSet,
  type RedisServer,
  type SlotMigration,
  startRedisCluster,
} from '@sess/testkit';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNodeRedisPort, type NodeRedisCluster, type NodeRedisPort } from '../src/index.js';
import { luaScript } from './support/lua.js';
import { waitUntil } from './support/wait-until.js';

// Calls on keys of a slot on its way to another master: the source answers ASK for the keys
// it gave away (and for new ones), MOVED once the slot is handed over. node-redis follows
// those only to nodes its slot map lists; a master that serves no slot yet is not listed.
// The port follows every redirect itself. Audited on every node.

let cluster: RedisClusterSet;
let added: RedisServer;
const ports: NodeRedisPort[] = [];
const nodeErrors: Error[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster({ audit: true, replicasPerMaster: 0 });
  added = await cluster.addMaster();
}, 60_000);

afterAll(async () => {
  await Promise.all(ports.map((port) => port.close()));
  await cluster?.stop();
}, 30_000);

async function openPort(): Promise<NodeRedisPort> {
  const port = await createNodeRedisPort({
    cluster: { rootNodes: cluster.rootNodes },
    onError: (error) => nodeErrors.push(error),
  });
  ports.push(port);
  return port;
}

/** `count` keys of the slot of `{tag}`, each holding its own name, written through `port`. */
async function fill(port: NodeRedisPort, tag: string, count = 10): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `{${tag}}:${i}`);
  await port.batch(keys.map((key) => set(key, key)));
  return keys;
}

function set(key: string, value: string): CommandCall {
  return { command: 'SET', keys: [key], args: [key, value] };
}

function get(key: string): CommandCall {
  return { command: 'GET', keys: [key], args: [key] };
}

/** The keys of `keys` (all in one slot) that `node` holds, asked on a connection of the test's. */
async function heldBy(node: RedisServer, keys: string[]): Promise<string[]> {
  const client = createClient({ url: node.url, RESP: 2 });
  await client.connect();
  try {
    const slot = String(keySlot(keys[0] as string));
    const held = (await client.sendCommand(['CLUSTER', 'GETKEYSINSLOT', slot, '1000'])) as string[];
    return held.filter((key) => keys.includes(key)).sort();
  } finally {
    client.destroy();
  }
}

const readKey = luaScript('readKey', "return redis.call('GET', KEYS[1])", true);

it('follows ASK to a master outside the slot map: commands, scripts, batches across nodes', async () => {
  const port = await openPort();
  const cluster$ = port.client as NodeRedisCluster;
  const keys = await fill(port, 'half');
  const slot = keySlot(keys[0] as string);
  const source = await cluster.masterFor(slot);
  const migration = await cluster.beginSlotMigration(slot, added);
  expect(await migration.migrateKeys(0.5)).toBe(5);
  const moved = await heldBy(added, keys);
  expect(moved).toHaveLength(5);
  // node-redis' slot map does not list the added master.
  expect(cluster$.masters.map((node) => node.port)).not.toContain(added.port);

  // Every key answers, wherever it is now.
  for (const key of keys) expect(await port.send(get(key))).toBe(key);
  // A new key of the slot is written on the target (the source does not hold it: ASK).
  expect(await port.send(set('{half}:new', 'new'))).toBe('OK');
  expect(await heldBy(added, ['{half}:new'])).toEqual(['{half}:new']);

  // A script the source knows, on a key the target holds: EVALSHA goes after ASK, the target
  // does not know the script (NOSCRIPT), the port sends it in full and ASK brings it there.
  const kept = keys.find((key) => !moved.includes(key)) as string;
  const gone = moved[0] as string;
  expect(await port.script({ script: readKey, keys: [kept], args: [] })).toBe(kept);
  expect(await port.script({ script: readKey, keys: [gone], args: [] })).toBe(gone);
  expect(await port.script({ script: readKey, keys: [gone], args: [] })).toBe(gone);

  // One batch over three nodes, redirected calls among them: every result in its place, and
  // an error reply (a hash command on a string that moved) stands in its slot with Redis' words.
  const elsewhere = 'elsewhere-key';
  expect(await cluster.masterFor(elsewhere)).not.toBe(source);
  const results = await port.batch([
    set(elsewhere, 'e'),
    get(gone),
    { script: readKey, keys: [moved[1] as string], args: [] },
    get(kept),
    { command: 'HGET', keys: [gone], args: [gone, 'f'] },
    set('{half}:new2', 'n2'),
    get(elsewhere),
    get('{half}:new2'),
  ]);
  expect(results.slice(0, 4)).toEqual(['OK', gone, moved[1], kept]);
  expect(results[4]).toBeInstanceOf(Error);
  expect(isSessError(results[4])).toBe(false);
  expect((results[4] as Error).message).toMatch(/^WRONGTYPE /);
  expect(results.slice(5)).toEqual(['OK', 'e', 'n2']);

  // The same error reply on its own: a plain Error with Redis' words, not "did not answer".
  const wrongType = await port
    .send({ command: 'HGET', keys: [gone], args: [gone, 'f'] })
    .catch((e: unknown) => e);
  expect(isSessError(wrongType)).toBe(false);
  expect((wrongType as Error).message).toMatch(/^WRONGTYPE /);

  // Handed over: the source answers MOVED to a node the map still lacks; the port follows it
  // and has node-redis read the map again, which then lists the added master.
  await migration.finish();
  const values = await Promise.all(
    [...keys, '{half}:new', '{half}:new2'].map((key) => port.send(get(key))),
  );
  expect(values).toEqual([...keys, 'new', 'n2']);
  await waitUntil(
    () => cluster$.masters.some((node) => node.port === added.port),
    5_000,
    'node-redis did not read the slot map again after MOVED',
  );
  expect(await port.script({ script: readKey, keys: [kept], args: [] })).toBe(kept);
}, 30_000);

it('follows ASK between masters the map lists, the same way', async () => {
  const port = await openPort();
  const keys = await fill(port, 'between');
  const slot = keySlot(keys[0] as string);
  const source = await cluster.masterFor(slot);
  const target = (await cluster.masters()).find((node) => node !== source && node !== added);
  if (!target) throw new Error('no other master');
  const migration: SlotMigration = await cluster.beginSlotMigration(slot, target);
  await migration.migrateKeys(0.5);
  const results = await port.batch([
    ...keys.map(get),
    ...keys.map((key) => ({ script: readKey, keys: [key], args: [] })),
  ]);
  expect(results).toEqual([...keys, ...keys]);
  expect(await port.send(set('{between}:new', 'x'))).toBe('OK');
  expect(await heldBy(target, ['{between}:new'])).toEqual(['{between}:new']);
  await migration.finish();
  expect(await port.send(get('{between}:new'))).toBe('x');
}, 30_000);

it('a redirect to a node that cannot be reached fails with UNAVAILABLE, naming what Redis said', async () => {
  // Another master without slots: the ports have never connected to it.
  const spare = await cluster.addMaster();
  const port = await openPort();
  const keys = await fill(port, 'unreachable', 4);
  const slot = keySlot(keys[0] as string);
  const migration = await cluster.beginSlotMigration(slot, spare);
  expect(await migration.migrateKeys(0.5)).toBe(2);
  const moved = await heldBy(spare, keys);
  await spare.kill();
  const error = await port.send(get(moved[0] as string)).catch((e: unknown) => e);
  expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
  const address = `127\\.0\\.0\\.1:${spare.port}`;
  expect((error as Error).message).toMatch(
    new RegExp(
      `^Redis cannot serve the call now: ASK ${slot} ${address}, and there is no connection to ${address}: .*ECONNREFUSED`,
    ),
  );
  // The keys the source kept still answer.
  const kept = keys.find((key) => !moved.includes(key)) as string;
  expect(await port.send(get(kept))).toBe(kept);
  // The keys on the killed node are gone with it: nothing to bring back.
  await spare.restart();
  await migration.abort();
  expect(await port.send(get(moved[0] as string))).toBeNull();
}, 30_000);

it('the audit saw nothing sess must not send, on any node', async () => {
  expect((await cluster.audit()).violations).toEqual([]);
  expect(nodeErrors.filter((error) => /Cannot find node/.test(error.message))).toEqual([]);
});
