import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis } from '@sess/testkit';
import { ROUTES } from './app-contract.js';
import { type CpuPlan, pinProcess } from './cpu-pinning.js';
import { createSession } from './http-client.js';
import type { LoadGenerator } from './load-generator.js';
import { RedisCounters } from './redis-counters.js';
import type { MemoryRun } from './results.js';
import { ServerProcess } from './server-process.js';
import { SESS_KEYS } from './sess-keys.js';
import type { Stack } from './stacks.js';

/** A store whose memory is measured; `env` reaches its server process (see `apps/express-sess.ts`). */
export interface MemoryStack {
  readonly label: string;
  readonly stack: Stack;
  /** Set for a sess store that is not at its defaults: what differs. */
  readonly options?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The stores whose memory is compared; connect-redis twice, as each middleware fills it
 * differently; sess at its defaults, and with anonymous sessions' creations in its stream.
 */
export const MEMORY_STACKS: readonly MemoryStack[] = [
  { label: 'sess', stack: { framework: 'express', kind: 'sess' } },
  {
    label: 'sess, anonymous creations in the stream too',
    stack: { framework: 'express', kind: 'sess' },
    options: 'eventStream: { anonymousCreated: true }',
    env: { SESS_BENCH_ANONYMOUS_CREATED: '1' },
  },
  { label: 'connect-redis (express-session)', stack: { framework: 'express', kind: 'peer' } },
  { label: 'connect-redis (@fastify/session)', stack: { framework: 'fastify', kind: 'peer' } },
  { label: 'koa-redis (koa-session)', stack: { framework: 'koa', kind: 'peer' } },
];

const SAMPLE_KEYS = 200;

/**
 * `used_memory` growth while a store gains `sessions` sessions holding the same five small
 * attributes, created through the app (POST /setup) on a fresh redis-server, so nothing else
 * shares the figure.
 */
export async function measureMemory(
  entry: MemoryStack,
  sessions: number,
  load: LoadGenerator,
  cpus: CpuPlan | undefined,
): Promise<MemoryRun> {
  const redis = await startRedis({ env: false });
  if (cpus !== undefined && redis.pid !== undefined) pinProcess(redis.pid, cpus.others);
  let counters: RedisCounters | undefined;
  let server: ServerProcess | undefined;
  try {
    counters = await RedisCounters.connect(redis.url);
    server = await ServerProcess.start(entry.stack, redis.url, {
      cpus: cpus?.server,
      env: entry.env,
    });
    // One session first: connections, loaded scripts and the like are not per-session costs.
    await createSession(server.url);
    await sleep(200);
    const before = await counters.usedMemory();
    const countBefore = await sessionCount(counters, entry.stack.kind);
    const result = await load.run({
      url: server.url,
      connections: 50,
      duration: 3600,
      amount: sessions,
      requests: [{ method: 'POST', path: ROUTES.setup, cookie: false }],
      cookies: [],
    });
    await sleep(500);
    const after = await counters.usedMemory();
    // Counted in Redis: a request that failed (a 503 past sess' deadline on a starved machine)
    // created nothing, or a session nobody was told about; either way Redis holds what it holds.
    const created = (await sessionCount(counters, entry.stack.kind)) - countBefore;
    if (created < sessions * 0.99) {
      throw new Error(
        `${entry.label}: ${created} sessions of ${sessions} (${result.non2xx} non-2xx, ${result.errors} errors)`,
      );
    }
    const delta = after - before;
    const parts =
      entry.stack.kind === 'sess'
        ? await sessParts(counters, created)
        : { 'session key': await sampledKeyBytes(counters) };
    return {
      label: entry.label,
      stack: entry.stack,
      options: entry.options,
      sessions: created,
      failedRequests: result.non2xx + result.errors,
      usedMemoryDelta: delta,
      bytesPerSession: delta / created,
      parts,
    };
  } finally {
    await server?.stop();
    await counters?.close();
    await redis.stop();
  }
}

/** Sessions in Redis: sess' expiry index counts them; each peer keeps one key per session. */
async function sessionCount(counters: RedisCounters, kind: Stack['kind']): Promise<number> {
  if (kind !== 'sess') return Number(await counters.send(['DBSIZE']));
  let count = 0;
  for (const bucket of SESS_KEYS.buckets) count += Number(await counters.send(['ZCARD', bucket]));
  return count;
}

/** sess' keys per session: the hash (sampled), the expiry index and the event stream (whole). */
async function sessParts(
  counters: RedisCounters,
  sessions: number,
): Promise<Record<string, number>> {
  let index = 0;
  const ids: string[] = [];
  for (const key of SESS_KEYS.buckets) {
    index += await counters.memoryUsage(key);
    if (ids.length < SAMPLE_KEYS) {
      const members = (await counters.send([
        'ZRANGE',
        key,
        '0',
        String(Math.ceil(SAMPLE_KEYS / SESS_KEYS.bucketCount)),
      ])) as string[] | null;
      ids.push(...(members ?? []));
    }
  }
  let hashes = 0;
  for (const id of ids) hashes += await counters.memoryUsage(SESS_KEYS.session(id));
  return {
    'session hash': ids.length > 0 ? hashes / ids.length : 0,
    'expiry index': index / sessions,
    'event stream': (await counters.memoryUsage(SESS_KEYS.events)) / sessions,
  };
}

/** A peer's one key per session, sampled with RANDOMKEY. */
async function sampledKeyBytes(counters: RedisCounters): Promise<number> {
  let total = 0;
  for (let i = 0; i < SAMPLE_KEYS; i++) {
    const key = (await counters.send(['RANDOMKEY'])) as string;
    total += await counters.memoryUsage(key);
  }
  return total / SAMPLE_KEYS;
}
