import { createSessionStore, type SessionEvent } from '@sess/core';
import { createNodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ExpiryWorker, startExpiryWorker } from '../src/expiry-worker.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedis({ audit: true });
});

afterAll(async () => {
  await server?.stop();
});

it('two workers share the expired and destroyed events, each handled once', async () => {
  const handled: Array<[string, SessionEvent]> = [];
  const workers: ExpiryWorker[] = [];
  for (const consumer of ['a', 'b']) {
    workers.push(
      await startExpiryWorker({
        url: server.url,
        consumer,
        handle: async (event) => {
          handled.push([consumer, event]);
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      }),
    );
  }
  const port = await createNodeRedisPort({ url: server.url });
  const app = createSessionStore({
    port,
    idleTimeout: 300,
    touchInterval: 100,
    cleaner: { interval: 100, leaseTtl: 600, eventsPerEntry: 1 },
  });
  const sessions = [];
  for (let i = 0; i < 20; i++) sessions.push(await app.create({ i }, { principal: `user${i}` }));
  for (const session of sessions.slice(0, 5)) await app.destroy(session);

  const deadline = Date.now() + 5_000;
  while (handled.length < 20 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  await app.close();
  await port.close();
  await Promise.all(workers.map((worker) => worker.close()));

  expect(handled).toHaveLength(20);
  const byType = (type: string) => handled.filter(([, e]) => e.type === type).map(([, e]) => e.id);
  expect(byType('destroyed').sort()).toEqual(
    sessions
      .slice(0, 5)
      .map((s) => s.id)
      .sort(),
  );
  expect(byType('expired').sort()).toEqual(
    sessions
      .slice(5)
      .map((s) => s.id)
      .sort(),
  );
  expect(new Set(handled.map(([consumer]) => consumer))).toEqual(new Set(['a', 'b']));
});
