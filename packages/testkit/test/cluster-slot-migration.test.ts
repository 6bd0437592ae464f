import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  keySlot,
  type RedisClusterSet,
  type RedisServer,
  startRedisCluster,
} from '../src/index.js';
import { RespConnection } from '../src/resp-connection.js';
import { RespError, type RespValue } from '../src/resp-reader.js';

// Growing a running Cluster by hand, as `redis-cli --cluster add-node` and `reshard` do: a
// master without slots joins, slots move to it key by key (or go back), and the nodes answer
// ASK while a slot is open. Audited: none of this is judged as sess's traffic.

let cluster: RedisClusterSet;
let added: RedisServer;

beforeAll(async () => {
  cluster = await startRedisCluster({ audit: true, replicasPerMaster: 0 });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
}, 30_000);

async function call(server: RedisServer, ...commands: RespValue[][]): Promise<RespValue[]> {
  const connection = await RespConnection.open(server);
  try {
    return await connection.pipeline(commands as Array<Array<string | number>>);
  } finally {
    await connection.close();
  }
}

async function keysIn(server: RedisServer, slot: number): Promise<number> {
  const [count] = await call(server, ['CLUSTER', 'COUNTKEYSINSLOT', slot]);
  return Number(count);
}

/** A reply as text: an error reply as its message. */
function text(reply: RespValue | undefined): string {
  return reply instanceof RespError ? reply.message : String(reply);
}

/** Ten keys in the slot of `tag`, written on the master that serves it. */
async function fill(tag: string): Promise<string[]> {
  const keys = Array.from({ length: 10 }, (_, i) => `{${tag}}:${i}`);
  const owner = await cluster.masterFor(keys[0] as string);
  await call(owner, ...keys.map((key) => ['SET', key, `value of ${key}`]));
  return keys;
}

it('addMaster() starts a node that every node knows, serving no slot', async () => {
  const before = cluster.nodes.length;
  added = await cluster.addMaster();
  expect(cluster.nodes).toHaveLength(before + 1);
  expect(cluster.nodes).toContain(added);
  expect(cluster.rootNodes).toHaveLength(before);
  expect(await cluster.masters()).not.toContain(added);
  for (const node of cluster.nodes) {
    const [nodes] = await call(node, ['CLUSTER', 'NODES']);
    expect(String(nodes)).toContain(`:${added.port}@`);
  }
  const [info] = await call(added, ['CLUSTER', 'INFO']);
  expect(String(info)).toContain('cluster_state:ok');
}, 30_000);

it('moves part of a slot: the source answers ASK for the keys it gave away, then finish() hands the slot over', async () => {
  const keys = await fill('moving');
  const slot = keySlot(keys[0] as string);
  const source = await cluster.masterFor(slot);
  const migration = await cluster.beginSlotMigration(slot, added);
  expect(migration.slots).toEqual([slot]);
  const [nodes] = await call(source, ['CLUSTER', 'NODES']);
  expect(String(nodes)).toMatch(new RegExp(`\\[${slot}->-`));

  expect(await migration.migrateKeys(0.5)).toBe(5);
  expect(await keysIn(source, slot)).toBe(5);
  expect(await keysIn(added, slot)).toBe(5);
  const replies = await call(source, ...keys.map((key) => ['GET', key]));
  const asked = replies.filter((reply) => text(reply).startsWith(`ASK ${slot} `));
  expect(asked).toHaveLength(5);
  expect(text(asked[0])).toBe(`ASK ${slot} 127.0.0.1:${added.port}`);
  // The target serves the slot to a client that says ASKING, and only then.
  const moved = keys.filter((_, i) => replies[i] !== `value of ${keys[i]}`);
  const [, value] = await call(added, ['ASKING'], ['GET', moved[0] as string]);
  expect(value).toBe(`value of ${moved[0]}`);
  const [unasked] = await call(added, ['GET', moved[0] as string]);
  expect(text(unasked)).toMatch(/^MOVED /);

  await migration.finish();
  expect(await cluster.masterFor(slot)).toBe(added);
  expect(await cluster.masters()).toContain(added);
  expect(await keysIn(added, slot)).toBe(10);
  const after = await call(added, ...keys.map((key) => ['GET', key]));
  expect(after).toEqual(keys.map((key) => `value of ${key}`));
  await expect(migration.migrateKeys()).rejects.toThrow(/finished already/);
}, 30_000);

it('abort() brings the moved keys back and closes the slot where it was', async () => {
  const keys = await fill('staying');
  const slot = keySlot(keys[0] as string);
  const source = await cluster.masterFor(slot);
  const migration = await cluster.beginSlotMigration([slot], added);
  expect(await migration.migrateKeys(0.3)).toBe(3);
  expect(await keysIn(added, slot)).toBe(3);
  await migration.abort();
  expect(await cluster.masterFor(slot)).toBe(source);
  expect(await keysIn(source, slot)).toBe(10);
  expect(await keysIn(added, slot)).toBe(0);
  const [nodes] = await call(source, ['CLUSTER', 'NODES']);
  expect(String(nodes)).not.toMatch(/\[\d+-[<>]-/);
  const values = await call(source, ...keys.map((key) => ['GET', key]));
  expect(values).toEqual(keys.map((key) => `value of ${key}`));
}, 30_000);

it('moves slots of several masters at once, half of their keys first', async () => {
  const owners = new Map<RedisServer, string>();
  for (let i = 0; owners.size < 3; i++) {
    const key = `{several-${i}}`;
    const owner = await cluster.masterFor(key);
    if (owner !== added && !owners.has(owner)) owners.set(owner, key);
  }
  const keys = [...owners.values()];
  for (const [owner, key] of owners) await call(owner, ['SET', key, key]);
  const slots = keys.map((key) => keySlot(key));
  const migration = await cluster.beginSlotMigration(slots, added);
  expect(migration.slots).toEqual([...slots].sort((a, b) => a - b));
  expect(await migration.migrateKeys(0.5)).toBe(1);
  const held = await Promise.all(slots.map((slot) => keysIn(added, slot)));
  expect(held.reduce((sum, count) => sum + count, 0)).toBe(1);
  await migration.finish();
  for (const slot of slots) expect(await cluster.masterFor(slot)).toBe(added);
  expect(await call(added, ...keys.map((key) => ['GET', key]))).toEqual(keys);
}, 30_000);

it('refuses a slot the target serves already, or a number that is no slot', async () => {
  const slot = keySlot('{moving}');
  await expect(cluster.beginSlotMigration(slot, added)).rejects.toThrow(
    `slot ${slot} is served by port ${added.port} already`,
  );
  await expect(cluster.beginSlotMigration(16_384, added)).rejects.toThrow(/is not a slot/);
});

it('the audit judges none of the testkit’s admin commands', async () => {
  expect((await cluster.audit()).violations).toEqual([]);
});
