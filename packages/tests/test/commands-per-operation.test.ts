import { createSessionStore, type SessionStore } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The commands Redis runs for each operation, those inside scripts included (MONITOR shows
// both, and the command audit counts what it shows). Round trips are what a request waits for;
// these are what Redis does for it, so one more here is work added to every request of its kind.

let server: RedisServer;
let port: NodeRedisPort;
let prefixes = 0;

const ATTRIBUTES = { user: 'u1234567', role: 'member', locale: 'en-GB', theme: 'dark', visits: 0 };

function store(options: Partial<Parameters<typeof createSessionStore>[0]> = {}): SessionStore {
  return createSessionStore({ port, prefix: `c${++prefixes}`, cleaner: false, ...options });
}

/** Commands the server ran while `operation` did. */
async function commandsOf(operation: () => Promise<unknown>): Promise<number> {
  const before = (await server.audit()).commands;
  await operation();
  return (await server.audit()).commands - before;
}

beforeAll(async () => {
  server = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: server.url });
});

afterAll(async () => {
  await port?.close();
  await server?.stop();
});

describe('commands Redis runs per operation', () => {
  it('an anonymous first write: 5 (the create script with EXISTS, HSET and PEXPIREAT; the bucket ZADD)', async () => {
    const sessions = store();
    expect(await commandsOf(() => sessions.create(ATTRIBUTES))).toBe(5);
  });

  it('a sign-in without a session: 10 for a principal with none, 11 for one with a live session', async () => {
    const sessions = store();
    // The claim script (ZREMRANGEBYSCORE, ZADD, PEXPIREAT NX), the create script, the bucket
    // ZADD and the `created` event.
    expect(await commandsOf(() => sessions.create({}, { principal: 'ada' }))).toBe(10);
    // The principal's index has a TTL already: NX sets nothing, GT extends it.
    expect(await commandsOf(() => sessions.create({}, { principal: 'ada' }))).toBe(11);
  });

  it('a sign-in from an anonymous session: 16 (the new session as above, the move script, the old entry and the event)', async () => {
    const sessions = store();
    const anonymous = await sessions.create(ATTRIBUTES);
    const loaded = await sessions.load(anonymous.id);
    // Claim (4) + create (4) + ZADD; the move script reads the old session with one HGETALL
    // and leaves the mark (DEL, HSET, PEXPIRE); then ZREM of its bucket entry and the XADD.
    expect(await commandsOf(() => sessions.regenerate(loaded!, { principal: 'grace' }))).toBe(16);
  });

  it('a sign-out: 6 (the take script reads and deletes with HGETALL and DEL; two ZREMs; the event)', async () => {
    const sessions = store();
    const signedIn = await sessions.create(ATTRIBUTES, { principal: 'linus' });
    const loaded = await sessions.load(signedIn.id);
    expect(await commandsOf(() => sessions.destroy(loaded!))).toBe(6);
  });

  it('a write with a touch due: 5 (the save script with HGET, HSET, PEXPIREAT GT; the bucket ZADD XX)', async () => {
    let clock = Date.now();
    const sessions = store({ now: () => clock });
    const created = await sessions.create(ATTRIBUTES);
    clock += 120_000;
    const loaded = await sessions.load(created.id);
    loaded?.set('visits', 1);
    expect(await commandsOf(() => sessions.commit(loaded!))).toBe(5);
    clock += 1_000;
    // The TTL moved with the touch: the session outlives its old expiry.
    const ttl = await port.send({
      command: 'PEXPIRETIME',
      keys: [sessions.keys.session(created.id)],
      args: [sessions.keys.session(created.id)],
    });
    expect(ttl).toBe(loaded!.expiresAt + sessions.options.grace);
  });
});
