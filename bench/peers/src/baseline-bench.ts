import type { BaselineCheckout } from './baseline-checkout.js';
import type { BenchRig } from './bench-rig.js';
import { createSessions } from './http-client.js';
import type { BaselineRow, BaselineRun, MeasuredRounds } from './results.js';
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
  const { cpus, redis, load } = rig;
  const { rounds, duration, warmup, connections } = settings;
  const rows: BaselineRow[] = [];
  for (const framework of settings.frameworks) {
    const stack = { framework, kind: 'sess' } as const;
    const now = await ServerProcess.start(stack, redis.url, { cpus: cpus?.server });
    const before = ServerProcess.start(stack, redis.url, {
      cpus: cpus?.server,
      serverMain: baseline.serverMain,
    }).catch(async (error: unknown) => {
      await now.stop();
      throw error;
    });
    const servers = { now, before: await before };
    try {
      const cookies = {
        now: await createSessions(servers.now.url, connections),
        before: await createSessions(servers.before.url, connections),
      };
      for (const scenario of SCENARIOS) {
        const measured = { now: emptyRounds(), before: emptyRounds() };
        for (let round = 0; round < rounds; round++) {
          // Alternate which goes first, so neither always follows the other.
          const order =
            round % 2 === 0 ? (['now', 'before'] as const) : (['before', 'now'] as const);
          for (const which of order) {
            const server = servers[which];
            const job = {
              url: server.url,
              connections,
              requests: scenario.requests,
              cookies: scenario.withSession ? cookies[which] : [],
            };
            if (round === 0 && warmup > 0) await load.run({ ...job, duration: warmup });
            const cpuBefore = await server.cpuMicros();
            const result = await load.run({ ...job, duration });
            const cpuAfter = await server.cpuMicros();
            const into = measured[which];
            into.requestsPerSecond.push(result.requestsPerSecond);
            into.cpuPerRequest.push(
              result.requests > 0 ? (cpuAfter - cpuBefore) / result.requests : 0,
            );
            into.failed += result.non2xx + result.errors;
          }
        }
        const row: BaselineRow = { framework, scenario: scenario.id, ...measured };
        rows.push(row);
        const { speed } = baselineRatios(row);
        log(
          `${frameworkName(framework).padEnd(8)} ${scenario.id.padEnd(12)} now ${medianOf(row.now.requestsPerSecond).toFixed(0)} req/s, ` +
            `before ${medianOf(row.before.requestsPerSecond).toFixed(0)} req/s: ${spread(speed)} per round ` +
            `(CPU ${medianOf(row.now.cpuPerRequest).toFixed(0)} / ${medianOf(row.before.cpuPerRequest).toFixed(0)} µs per request)`,
        );
      }
    } finally {
      await Promise.all([servers.now.stop(), servers.before.stop()]);
    }
  }
  return { commit: baseline.commit, rounds, duration, warmup, connections, cpus, rows };
}

function emptyRounds(): { requestsPerSecond: number[]; cpuPerRequest: number[]; failed: number } {
  return { requestsPerSecond: [], cpuPerRequest: [], failed: 0 };
}

/**
 * A row's ratios of the same rounds, sorted: `speed` now ÷ before by requests per second,
 * `cpu` before ÷ now by server CPU per request (above 1: now costs less).
 */
export function baselineRatios(row: BaselineRow): { speed: number[]; cpu: number[] } {
  return {
    speed: roundRatios(row.now.requestsPerSecond, row.before.requestsPerSecond),
    cpu: roundRatios(row.before.cpuPerRequest, row.now.cpuPerRequest),
  };
}

/** Whether a route is slower now: both median ratios more than 5% worse. */
export function isSlower(row: BaselineRow): boolean {
  const { speed, cpu } = baselineRatios(row);
  return medianOf(speed) < SLOWER_BELOW && medianOf(cpu) < SLOWER_BELOW;
}

/** The comparison's table and how it was measured, for RESULTS.md and the standalone report. */
export function renderBaseline(run: BaselineRun): string[] {
  const short = run.commit.slice(0, 7);
  return [
    `Each framework's sess app (\`bench/peers/src/apps/<framework>-sess.ts\`, its read cache off, the default) runs twice against one throwaway \`redis-server\`: built from this checkout ("now") and from ${short} ("before", checked out as a git worktree in the temporary directory and built there). The two servers take turns, ${run.rounds} rounds of ${run.duration} s with ${run.connections} connections each after ${run.warmup} s of warm-up, ${run.cpus === undefined ? 'sharing all CPUs with the load generator and redis-server' : `each on CPU ${run.cpus.server}, the load generator and redis-server on CPU ${run.cpus.others}`}. Shown: each stack's median requests per second with the range of its rounds, its median server CPU per request (user + system time over the responses), and the ratios of the two servers' runs within each round (run back to back, so a slow minute of a shared machine weighs on both): their median, with the middle half of them in brackets. A route is called slower only where the median ratio of both measures is more than ${Math.round(100 * (1 - SLOWER_BELOW))}% worse.`,
    '',
    '| Framework | Scenario | now req/s | before req/s | now ÷ before, per round (middle half) | server CPU µs per request: now / before | before ÷ now by CPU, per round | |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...run.rows.map((row) => {
      const { speed, cpu } = baselineRatios(row);
      return `| ${frameworkName(row.framework)} | ${title(row.scenario)} | ${describe(row.now)} | ${describe(row.before)} | ${spread(speed)} | ${medianOf(row.now.cpuPerRequest).toFixed(0)} / ${medianOf(row.before.cpuPerRequest).toFixed(0)} | ${medianOf(cpu).toFixed(2)}× | ${isSlower(row) ? '**slower**' : ''} |`;
    }),
    '',
  ];
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
