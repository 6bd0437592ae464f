import {
  createSessionStore,
  type SessionEvent,
  type SessionEventType,
  type SessionStore,
  type SessionStoreOptions,
} from '@sess/core';
import { KeyLayout, parseEntry } from '@sess/core/internal';
import type { RedisReply } from '@sess/core/port';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_USER } from './least-privilege.js';

// What the repository writes to the event stream, and what it tells its own instance: every
// local event is in the stream too but an anonymous session's creation (unless asked for), the
// stream stays near its cap, and `eventStream: false` writes nothing. Audited like every test
// here.

let server: RedisServer;
let port: NodeRedisPort;
const stores: SessionStore[] = [];
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis({ audit: true, users: [APP_USER] });
  port = await createNodeRedisPort({ url: server.urlAs(APP_USER.name) });
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

afterAll(async () => {
  await port?.close();
  await server?.stop();
});

function store(options: Partial<SessionStoreOptions> = {}): SessionStore {
  const created = createSessionStore({
    port,
    prefix: `sess:es${++prefixes}`,
    cleaner: false,
    ...options,
  });
  stores.push(created);
  return created;
}

function streamKey(of: SessionStore): string {
  return new KeyLayout(of.options.prefix, of.options.buckets).events;
}

async function streamEvents(of: SessionStore): Promise<SessionEvent[]> {
  const key = streamKey(of);
  const entries = (await port.send({
    command: 'XRANGE',
    keys: [key],
    args: [key, '-', '+'],
  })) as RedisReply[];
  return entries.flatMap((entry) => parseEntry((entry as RedisReply[])[1] as RedisReply[]) ?? []);
}

const LOCAL_TYPES = ['created', 'destroyed', 'regenerated', 'revoked'] as const;

/** Sign-ins, a regeneration, revocations, and an anonymous session made and destroyed. */
async function traffic(writer: SessionStore): Promise<{ local: SessionEvent[]; plain: string }> {
  const local: SessionEvent[] = [];
  for (const type of LOCAL_TYPES) writer.on(type, (event) => local.push(event));
  const plain = await writer.create({ n: 1 });
  await writer.destroy(plain);
  const signedIn = await writer.create({ n: 2 }, { principal: 'ada' });
  await writer.regenerate(signedIn, { principal: 'ada' });
  await writer.create({ n: 3 }, { principal: 'ada' });
  expect(await writer.revokePrincipal('ada')).toBe(2);
  const types = new Set<SessionEventType>(local.map((event) => event.type));
  expect([...types].sort()).toEqual([...LOCAL_TYPES].sort());
  return { local, plain: plain.id };
}

function shapes(events: readonly SessionEvent[]) {
  return events.map(({ type, id, principal, reason }) => ({ type, id, principal, reason }));
}

describe('the event stream', () => {
  it("holds every event the instance told its own listeners but an anonymous session's creation, and other instances hear none of them", async () => {
    const writer = store();
    const other = createSessionStore({ port, prefix: writer.options.prefix, cleaner: false });
    stores.push(other);
    const elsewhere: SessionEvent[] = [];
    for (const type of LOCAL_TYPES) other.on(type, (event) => elsewhere.push(event));

    const { local, plain } = await traffic(writer);
    expect(elsewhere).toEqual([]);
    const anonymousCreation = local.find((event) => event.type === 'created' && event.id === plain);
    expect(anonymousCreation).toBeDefined();
    expect(anonymousCreation?.principal).toBeUndefined();
    const streamed = await streamEvents(writer);
    expect(shapes(streamed)).toEqual(shapes(local.filter((event) => event !== anonymousCreation)));
    // The session's end is there, and the sign-in that created a session.
    expect(streamed).toContainEqual(expect.objectContaining({ type: 'destroyed', id: plain }));
    expect(streamed).toContainEqual(
      expect.objectContaining({ type: 'created', principal: 'ada', reason: 'sign-in' }),
    );
    expect(streamed.filter((event) => event.type === 'revoked')).toHaveLength(2);
  });

  it('holds anonymous creations too with eventStream.anonymousCreated', async () => {
    const writer = store({ eventStream: { anonymousCreated: true } });
    const { local } = await traffic(writer);
    expect(shapes(await streamEvents(writer))).toEqual(shapes(local));
  });

  it('stays near eventStream.maxLength however many events come', async () => {
    const capped = store({ eventStream: { maxLength: 100, anonymousCreated: true } });
    for (let i = 0; i < 20; i++) {
      await Promise.all(Array.from({ length: 50 }, (_, n) => capped.create({ n })));
    }
    const key = streamKey(capped);
    const length = Number(await port.send({ command: 'XLEN', keys: [key], args: [key] }));
    // `MAXLEN ~` trims whole stream nodes (100 entries each by default): at least the cap stays.
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(300);
  });

  it('eventStream: false writes none', async () => {
    const silent = store({ eventStream: false });
    const session = await silent.create({ n: 1 });
    await silent.destroy(session);
    const key = streamKey(silent);
    expect(await port.send({ command: 'EXISTS', keys: [key], args: [key] })).toBe(0);
  });
});
