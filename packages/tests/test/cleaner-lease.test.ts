import { createSessionStore, type SessionStore } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DyingPort } from './dying-port.js';
import { APP_USER } from './least-privilege.js';

// The cleaner lease on a real Redis: ten instances, one worker at any time, and a quick
// handover when the worker stops or dies. Every command is audited (no forbidden ones).

const INTERVAL = 100;
const LEASE_TTL = 600;
/** One tick at its longest (+20 % jitter), and room for timers on a busy test machine. */
const ONE_TICK = INTERVAL * 1.2;
const SLACK = 250;

let server: RedisServer;
const ports: NodeRedisPort[] = [];
const stores: SessionStore[] = [];
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis({ audit: true, users: [APP_USER] });
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await Promise.all(ports.splice(0).map((port) => port.close()));
});

afterAll(async () => {
  await server?.stop();
});

async function fleet(size: number): Promise<{ stores: SessionStore[]; dying: DyingPort[] }> {
  const prefix = `sess:lease${++prefixes}`;
  const opened: SessionStore[] = [];
  const dying: DyingPort[] = [];
  for (let i = 0; i < size; i++) {
    const port = await createNodeRedisPort({ url: server.urlAs(APP_USER.name) });
    ports.push(port);
    const wrapped = new DyingPort(port);
    dying.push(wrapped);
    opened.push(
      createSessionStore({
        port: wrapped,
        prefix,
        operationTimeout: 200,
        cleaner: { interval: INTERVAL, leaseTtl: LEASE_TTL },
      }),
    );
  }
  stores.push(...opened);
  return { stores: opened, dying };
}

function leaders(instances: readonly SessionStore[]): number[] {
  return instances.flatMap((store, i) => (store.cleaner?.leader ? [i] : []));
}

async function waitFor<T>(probe: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('cleaner lease (10 instances)', () => {
  it('has exactly one holder at any time', async () => {
    const { stores: instances } = await fleet(10);
    await waitFor(() => (leaders(instances).length === 1 ? true : undefined), 3_000);
    const counts = new Set<number>();
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      counts.add(leaders(instances).length);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    expect([...counts]).toEqual([1]);
  });

  it('hands cleanup to another within leaseTtl + one tick when the holder stops', async () => {
    const { stores: instances } = await fleet(10);
    const [holder] = await waitFor(() => {
      const found = leaders(instances);
      return found.length === 1 ? found : undefined;
    }, 3_000);
    const stopped = performance.now();
    await instances[holder as number]?.close();
    const next = await waitFor(() => leaders(instances)[0], LEASE_TTL + ONE_TICK + SLACK);
    const handover = performance.now() - stopped;
    expect(next).not.toBe(holder);
    expect(handover).toBeLessThanOrEqual(LEASE_TTL + ONE_TICK + SLACK);
    expect(leaders(instances)).toEqual([next]);
  });

  it('hands cleanup to another within leaseTtl + one tick when the holder dies', async () => {
    const { stores: instances, dying } = await fleet(10);
    const [holder] = await waitFor(() => {
      const found = leaders(instances);
      return found.length === 1 ? found : undefined;
    }, 3_000);
    // Killed: no more commands, no release. Its lease runs out in Redis by itself.
    const killed = performance.now();
    dying[holder as number]?.die();
    const next = await waitFor(
      () => {
        const found = leaders(instances).filter((i) => i !== holder);
        return found[0];
      },
      LEASE_TTL + ONE_TICK + SLACK,
    );
    expect(performance.now() - killed).toBeLessThanOrEqual(LEASE_TTL + ONE_TICK + SLACK);
    // The dead one stopped counting itself as leader before anyone else could take over.
    expect(leaders(instances)).toEqual([next]);
  });
});
