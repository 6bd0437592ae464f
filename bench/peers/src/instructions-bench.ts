import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '@sess/testkit';
import type { BaselineCheckout } from './baseline-checkout.js';
import { cacheDifference, describeCache } from './cache-counts.js';
import { Callgrind } from './callgrind.js';
import { createSessions } from './http-client.js';
import { LoadGenerator } from './load-generator.js';
import { RedisCounters } from './redis-counters.js';
import type { CountedKind, InstructionRun } from './results.js';
import { SCENARIOS, type Scenario, type ScenarioId } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { FLOOR, type Framework, frameworkName, kindsOf, peerName, stackName } from './stacks.js';
import { ratio, times } from './targets.js';

/**
 * sess first: its sessions' cookies serve bare and the floor too, as in the throughput runs.
 * The floor (one HGETALL) and sess with its read cache are a read's, so other scenarios leave
 * them out; the cached stack reads sessions created through it, as in the throughput runs.
 */
const COUNTED = ['sess', 'sess-cache', 'bare', FLOOR, 'peer'] as const satisfies CountedKind[];
const READ_ONLY: readonly CountedKind[] = [FLOOR, 'sess-cache'];
/** node under valgrind starts in seconds, not milliseconds. */
const START_TIMEOUT_MS = 180_000;

export interface InstructionSettings {
  readonly scenario: ScenarioId;
  readonly frameworks: readonly Framework[];
  /** Requests before counting starts, for the JIT to settle. */
  readonly warmup: number;
  readonly requests: number;
  readonly connections: number;
  /** An earlier sess whose sess stack is counted too, after this one's. */
  readonly baseline?: BaselineCheckout | undefined;
}

/**
 * Instructions per request of one scenario, counted by callgrind in each server process, one
 * server at a time against a throwaway redis-server of its own. Throughput on a shared 2-CPU
 * machine moves by tens of per cent between rounds; an instruction count moves by a few, so it
 * says what a request costs each stack. It sees neither the kernel's work for the sockets nor
 * cache misses: a second opinion next to the throughput, not a replacement.
 */
export async function countInstructions(
  settings: InstructionSettings,
  log: (line: string) => void,
): Promise<InstructionRun> {
  Callgrind.assertInstalled();
  const scenario = scenarioOf(settings.scenario);
  const { warmup, requests, connections } = settings;
  const kinds = COUNTED.filter((kind) => scenario.id === 'read' || !READ_ONLY.includes(kind));
  const dumps = await mkdtemp(join(tmpdir(), 'sess-callgrind-'));
  const callgrind = new Callgrind(dumps);
  const redis = await startRedis({ env: false });
  const load = LoadGenerator.start();
  const frameworks: Array<InstructionRun['frameworks'][number]> = [];
  let redisServer = 'unknown';
  try {
    const counters = await RedisCounters.connect(redis.url);
    try {
      redisServer = await counters.serverVersion();
    } finally {
      await counters.close();
    }
    for (const framework of settings.frameworks) {
      const counted: {
        perRequest: Partial<Record<CountedKind, number>>;
        cache?: InstructionRun['frameworks'][number]['cache'];
        before?: number;
      } = { perRequest: {} };
      let sessCookies: string[] | undefined;
      const stacks: Array<{ kind: CountedKind; serverMain?: string }> = kinds
        .filter((k) => kindsOf(framework).includes(k) || k === FLOOR)
        .map((kind) => ({ kind }));
      const baseline = settings.baseline;
      if (baseline !== undefined) stacks.push({ kind: 'sess', serverMain: baseline.serverMain });
      for (const { kind, serverMain } of stacks) {
        const server = await ServerProcess.start({ framework, kind }, redis.url, {
          wrapper: callgrind.wrapper(),
          startTimeout: START_TIMEOUT_MS,
          serverMain,
        });
        try {
          let cookies: string[] = [];
          if (scenario.withSession) {
            const shared = kind !== 'peer' && kind !== 'sess-cache' && serverMain === undefined;
            cookies =
              (shared ? sessCookies : undefined) ?? (await createSessions(server.url, connections));
            if (shared) sessCookies = cookies;
          }
          const send = (amount: number) =>
            sendRequests(load, server.url, scenario, cookies, amount, connections, log);
          await send(warmup);
          let answered = requests;
          const cacheBefore = await server.cacheStats();
          const instructions = await callgrind.measure(server.pid as number, async () => {
            answered = await send(requests);
          });
          const cache = cacheDifference(cacheBefore, await server.cacheStats());
          if (cache !== undefined) counted.cache = cache;
          if (serverMain === undefined) counted.perRequest[kind] = instructions / answered;
          else counted.before = instructions / answered;
          const name = `${stackName({ framework, kind })}${serverMain === undefined ? '' : ` at ${baseline?.commit.slice(0, 7)}`}`;
          log(
            `${name.padEnd(64)} ${Math.round(instructions / answered)} instructions per request (${scenario.id})` +
              (cache === undefined ? '' : `; cache: ${describeCache(cache)}`),
          );
        } finally {
          await server.stop();
        }
      }
      frameworks.push({ framework, ...counted });
    }
  } finally {
    await load.stop();
    await redis.stop();
    await rm(dumps, { recursive: true, force: true });
  }
  return {
    scenario: scenario.id,
    warmup,
    requests,
    connections,
    valgrind: Callgrind.version(),
    redisServer,
    baseline: settings.baseline?.commit,
    frameworks,
  };
}

function scenarioOf(id: ScenarioId): Scenario {
  const scenario = SCENARIOS.find((entry) => entry.id === id);
  if (scenario === undefined) throw new Error(`no scenario ${id}`);
  return scenario;
}

async function sendRequests(
  load: LoadGenerator,
  url: string,
  scenario: Scenario,
  cookies: readonly string[],
  amount: number,
  connections: number,
  log: (line: string) => void,
): Promise<number> {
  const result = await load.run({
    url,
    connections,
    duration: 3_600,
    amount,
    requests: scenario.requests,
    cookies,
  });
  const path = scenario.requests.map((request) => request.path).join(', ');
  // Under valgrind a request can miss a 1 s deadline now and then (switching counting on makes
  // valgrind translate the JIT's code again), or the load generator's own timeout on a loaded
  // machine; a few such requests change no count that matters. Counts are per answer.
  const failed = result.non2xx + result.errors;
  if (result.requests + result.errors < amount || failed > amount / 100) {
    throw new Error(
      `${url} ${path}: ${result.requests} of ${amount} answered, ${result.non2xx} not 2xx, ${result.errors} errors`,
    );
  }
  if (failed > 0) log(`${url} ${path}: ${failed} of ${amount} requests failed`);
  return Math.max(1, Math.min(amount, result.requests));
}

type Column = [string, (counts: Partial<Record<CountedKind, number>>) => string];

/**
 * The counts' table and how they were taken, for RESULTS.md and the standalone report. A
 * column "X ÷ Y" is Y's count over X's: fewer instructions, more requests per second.
 */
export function renderInstructions(run: InstructionRun, throughputReport: string): string[] {
  const scenario = scenarioOf(run.scenario);
  const k = (n: number | undefined) => (n === undefined ? '–' : `${(n / 1000).toFixed(1)}k`);
  const withFloor = scenario.id === 'read';
  const withCache = run.frameworks.some(({ perRequest }) => perRequest['sess-cache'] !== undefined);
  const columns: Column[] = [
    ['no sessions', (c) => k(c.bare)],
    ...(withFloor ? ([['floor', (c) => k(c.floor)]] as Column[]) : []),
    ['sess', (c) => k(c.sess)],
    ...(withCache ? ([['sess + cache', (c) => k(c['sess-cache'])]] as Column[]) : []),
    ['peer', (c) => k(c.peer)],
    ...(withFloor
      ? ([['floor ÷ no sessions', (c) => times(ratio(c.bare, c.floor))]] as Column[])
      : []),
    ['sess ÷ no sessions', (c) => times(ratio(c.bare, c.sess))],
    ...(withCache
      ? ([
          ['sess + cache ÷ no sessions', (c) => times(ratio(c.bare, c['sess-cache']))],
          ['sess + cache ÷ sess', (c) => times(ratio(c.sess, c['sess-cache']))],
        ] as Column[])
      : []),
    ...(withFloor ? ([['sess ÷ floor', (c) => times(ratio(c.floor, c.sess))]] as Column[]) : []),
    ['sess ÷ peer', (c) => times(ratio(c.peer, c.sess))],
  ];
  const before = run.baseline?.slice(0, 7);
  const rows = run.frameworks.map(({ framework, perRequest, before: earlier }) => {
    const cells = columns.map(([, cell]) => cell(perRequest));
    if (before !== undefined) cells.push(k(earlier), times(ratio(earlier, perRequest.sess)));
    return `| ${frameworkName(framework)} | ${cells.join(' | ')} |`;
  });
  const names = [
    ...columns.map(([name]) => name),
    ...(before === undefined ? [] : [`sess at ${before}`, `sess ÷ sess at ${before}`]),
  ];
  const cacheLines = run.frameworks.flatMap(({ framework, cache }) =>
    cache === undefined ? [] : [`- ${frameworkName(framework)}: ${describeCache(cache)}`],
  );
  return [
    `Each server runs alone under valgrind's callgrind (${run.valgrind}), which counts the instructions its process executes in user space (the JIT's and the garbage collector's threads included) while autocannon sends it ${run.requests} requests (${scenario.title}) after ${run.warmup} uncounted ones, ${run.connections} connections${scenario.withSession ? ', one session per connection' : ''}. A ratio is what the count would make of throughput (fewer instructions, more requests per second). It does not move with what else the machine runs, but it leaves out the kernel's work for the sockets (a system call per response, whatever the stack) and cache misses, and it cannot see that a server waiting on Redis handles more requests per turn of its event loop. So it is a second opinion next to the throughput of ${throughputReport}, not a replacement.${withFloor ? ' The floor is the framework with one `HGETALL` through node-redis per request and nothing else: no cookie, no signature, no session object.' : ''}`,
    ...(withCache
      ? [
          '',
          "sess + cache is sess with its port's local cache of session reads on at its defaults (`cache: true`), reading sessions created through it, so that every read after the first finds its session held until a touch changes it. What its cache did over the counted reads (`port.cacheStats()`; a loss of tracking would show as misses):",
          '',
          ...cacheLines,
        ]
      : []),
    '',
    `| Framework | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---:').join('|')}|`,
    ...rows,
    '',
    `${before === undefined ? '' : `sess at ${before} is the same sess app built from that revision, counted the same way with sessions of its own. `}Peers: ${run.frameworks.map(({ framework }) => `${frameworkName(framework)}: ${peerName(framework)}`).join('; ')}.`,
    '',
  ];
}
