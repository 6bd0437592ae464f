import type { BaselineCheckout } from './baseline-checkout.js';
import type { BenchRig } from './bench-rig.js';
import { createSessions } from './http-client.js';
import type { BaselineRow, BaselineRun, MeasuredPair, MeasuredRounds } from './results.js';
import { SCENARIOS } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { type Framework, frameworkName } from './stacks.js';
import { medianOf, roundRatios } from './statistics.js';

export interface BaselineSettings {
  readonly frameworks: readonly Framework[];
  readonly rounds: number;
  readonly duration: number;
  readonly warmup: number;
  readonly connections: number;
}

/** A route is called slower only where both of its median ratios are more than this much worse. */
const SLOWER_BELOW = 0.95;

/**
 * Each scenario's rounds are shared out among this many pairs of newly started servers. A
 * Node.js process keeps for its whole life a speed of its own (where its code and heap landed):
 * one pair per framework once read every route of a framework a tenth slower in one run and
 * faster in the next, with the same instruction counts.
 */
const SERVER_PAIRS = 3;

/**
 * sess as it is (its read cache off, the default) against sess at an earlier revision, each
 * framework's two servers side by side in the same rounds, the way the peers are measured:
 * whether a route became slower is then read off one run on one machine, not off two runs on
 * machines that differ.
 */
export async function compareWithBaseline(
  rig: BenchRig,
  baseline: BaselineCheckout,
  settings: BaselineSettings,
  log: (line: string) => void,
): Promise<BaselineRun> {
  const rows: BaselineRow[] = [];
  const pairs = Math.min(SERVER_PAIRS, settings.rounds);
  for (const framework of settings.frameworks) {
    for (const scenario of SCENARIOS) {
      const job: RoundsJob = { ...settings, rig, baseline, framework, scenario, pairs };
      const measured = await measureRounds(job);
      // A shared machine has slow minutes that one pass of rounds does not always average
      // out: a route that looks slower is measured once more, on new servers, and called
      // slower only if the second measurement says so too.
      const recheck = slowerIn(measured) ? await measureRounds(job) : undefined;
      const row: BaselineRow = { framework, scenario: scenario.id, ...measured, recheck };
      rows.push(row);
      const { speed } = baselineRatios(row);
      log(
        `${frameworkName(framework).padEnd(8)} ${scenario.id.padEnd(12)} now ${medianOf(row.now.requestsPerSecond).toFixed(0)} req/s, ` +
          `before ${medianOf(row.before.requestsPerSecond).toFixed(0)} req/s: ${spread(speed)} per round ` +
          `(CPU ${medianOf(row.now.cpuPerRequest).toFixed(0)} / ${medianOf(row.before.cpuPerRequest).toFixed(0)} µs per request)` +
          (recheck === undefined
            ? ''
            : `; measured again: ${spread(baselineRatios(recheck).speed)}, ${isSlower(row) ? 'slower' : 'not slower'}`),
      );
    }
  }
  const { rounds, duration, warmup, connections } = settings;
  return {
    commit: baseline.commit,
    rounds,
    duration,
    warmup,
    connections,
    serverPairs: pairs,
    cpus: rig.cpus,
    rows,
  };
}

type Which = 'now' | 'before';

/** Which of the two goes first, alternating, so that neither always follows the other. */
function turn(n: number): readonly Which[] {
  return n % 2 === 0 ? ['now', 'before'] : ['before', 'now'];
}

interface RoundsJob extends BaselineSettings {
  readonly rig: BenchRig;
  readonly baseline: BaselineCheckout;
  readonly framework: Framework;
  readonly scenario: (typeof SCENARIOS)[number];
  readonly pairs: number;
}

/**
 * `rounds` rounds of one scenario, the two servers taking turns, spread over `pairs` pairs of
 * servers started for it (each pair warmed up first; which of the two starts first alternates).
 */
async function measureRounds(job: RoundsJob): Promise<MeasuredPair> {
  const { rig, baseline, framework, scenario, rounds, duration, warmup, connections } = job;
  const measured = { now: emptyRounds(), before: emptyRounds() };
  const stack = { framework, kind: 'sess' } as const;
  const mains: Record<Which, string | undefined> = { now: undefined, before: baseline.serverMain };
  let round = 0;
  for (let pair = 0; pair < job.pairs; pair++) {
    const starting = turn(pair);
    const servers: Partial<Record<Which, ServerProcess>> = {};
    try {
      for (const which of starting) {
        servers[which] = await ServerProcess.start(stack, rig.redis.url, {
          cpus: rig.cpus?.server,
          serverMain: mains[which],
        });
      }
      const cookies: Record<Which, string[]> = { now: [], before: [] };
      for (const which of starting) {
        const server = servers[which] as ServerProcess;
        if (scenario.withSession) cookies[which] = await createSessions(server.url, connections);
        if (warmup > 0) {
          await rig.load.run({ ...runOf(server, cookies[which]), duration: warmup });
        }
      }
      // This pair's share of the rounds: the first pairs take one more when they do not divide.
      const share = Math.floor(rounds / job.pairs) + (pair < rounds % job.pairs ? 1 : 0);
      for (let i = 0; i < share; i++, round++) {
        for (const which of turn(round)) {
          const server = servers[which] as ServerProcess;
          const cpuBefore = await server.cpuMicros();
          const result = await rig.load.run({ ...runOf(server, cookies[which]), duration });
          const cpuAfter = await server.cpuMicros();
          const into = measured[which];
          into.requestsPerSecond.push(result.requestsPerSecond);
          into.cpuPerRequest.push(
            result.requests > 0 ? (cpuAfter - cpuBefore) / result.requests : 0,
          );
          into.failed += result.non2xx + result.errors;
        }
      }
    } finally {
      await Promise.all(Object.values(servers).map((server) => server.stop()));
    }
  }
  return measured;

  function runOf(server: ServerProcess, cookies: string[]) {
    return { url: server.url, connections, requests: scenario.requests, cookies };
  }
}

function emptyRounds(): { requestsPerSecond: number[]; cpuPerRequest: number[]; failed: number } {
  return { requestsPerSecond: [], cpuPerRequest: [], failed: 0 };
}

/**
 * A row's ratios of the same rounds, sorted: `speed` now ÷ before by requests per second,
 * `cpu` before ÷ now by server CPU per request (above 1: now costs less).
 */
export function baselineRatios(row: MeasuredPair): { speed: number[]; cpu: number[] } {
  return {
    speed: roundRatios(row.now.requestsPerSecond, row.before.requestsPerSecond),
    cpu: roundRatios(row.before.cpuPerRequest, row.now.cpuPerRequest),
  };
}

/** Whether one measurement finds the route slower now: both median ratios more than 5% worse. */
function slowerIn(measured: MeasuredPair): boolean {
  const { speed, cpu } = baselineRatios(measured);
  return medianOf(speed) < SLOWER_BELOW && medianOf(cpu) < SLOWER_BELOW;
}

/**
 * Whether a route is slower now: its measurement finds it so, and so does the second one it
 * then gets (a run recorded before the second measurement existed has only the first).
 */
export function isSlower(row: BaselineRow): boolean {
  return slowerIn(row) && (row.recheck === undefined || slowerIn(row.recheck));
}

/** The comparison's table and how it was measured, for RESULTS.md and the standalone report. */
export function renderBaseline(run: BaselineRun): string[] {
  const short = run.commit.slice(0, 7);
  return [
    `Each framework's sess app (\`bench/peers/src/apps/<framework>-sess.ts\`, its read cache off, the default) runs twice against one throwaway \`redis-server\`: built from this checkout ("now") and from ${short} ("before", checked out as a git worktree in the temporary directory and built there). The two servers take turns, ${run.rounds} rounds of ${run.duration} s with ${run.connections} connections each after ${run.warmup} s of warm-up, ${(run.serverPairs ?? 1) > 1 ? `each scenario's rounds shared out among ${run.serverPairs} pairs of servers started for them (a Node.js process keeps a speed of its own for its whole life), ` : 'one pair of servers per framework, '}${run.cpus === undefined ? 'sharing all CPUs with the load generator and redis-server' : `each on CPU ${run.cpus.server}, the load generator and redis-server on CPU ${run.cpus.others}`}. Shown: each stack's median requests per second with the range of its rounds, its median server CPU per request (user + system time over the responses), and the ratios of the two servers' runs within each round (run back to back, so a slow minute of a shared machine weighs on both): their median, with the middle half of them in brackets. A route is called slower only where the median ratio of both measures is more than ${Math.round(100 * (1 - SLOWER_BELOW))}% worse, in its rounds and again in as many more rounds that a route found slower gets at once (the last column: their ratios by requests per second and by CPU).`,
    '',
    '| Framework | Scenario | now req/s | before req/s | now ÷ before, per round (middle half) | server CPU µs per request: now / before | before ÷ now by CPU, per round | measured again | |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...run.rows.map((row) => {
      const { speed, cpu } = baselineRatios(row);
      return `| ${frameworkName(row.framework)} | ${title(row.scenario)} | ${describe(row.now)} | ${describe(row.before)} | ${spread(speed)} | ${medianOf(row.now.cpuPerRequest).toFixed(0)} / ${medianOf(row.before.cpuPerRequest).toFixed(0)} | ${medianOf(cpu).toFixed(2)}× | ${again(row)} | ${isSlower(row) ? '**slower**' : ''} |`;
    }),
    '',
  ];
}

/** The second measurement's ratios, by requests per second and by CPU, where it was taken. */
function again(row: BaselineRow): string {
  if (row.recheck === undefined) return '–';
  const { speed, cpu } = baselineRatios(row.recheck);
  return `${spread(speed)}; ${medianOf(cpu).toFixed(2)}× by CPU`;
}

/** The median of sorted ratios, and their middle half. */
function spread(sorted: readonly number[]): string {
  const at = (q: number) => (sorted[Math.floor(q * (sorted.length - 1))] ?? 0).toFixed(2);
  return `${medianOf(sorted).toFixed(2)}× (${at(0.25)}–${at(0.75)})`;
}

function describe(measured: MeasuredRounds): string {
  const all = measured.requestsPerSecond;
  return (
    `${medianOf(all).toFixed(0)} (${Math.min(...all).toFixed(0)}–${Math.max(...all).toFixed(0)})` +
    (measured.failed > 0 ? `, ${measured.failed} failed` : '')
  );
}

function title(scenario: string): string {
  return SCENARIOS.find((entry) => entry.id === scenario)?.title ?? scenario;
}
