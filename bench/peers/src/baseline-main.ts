import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareBaseline } from './baseline-checkout.js';
import { startBenchRig } from './bench-rig.js';
import { createSessions } from './http-client.js';
import type { LoadResult } from './ipc.js';
import { log } from './log.js';
import { describeMachine, sourceRevision } from './machine.js';
import { frameworkList, positive, rerunCommand } from './options.js';
import { PACKAGE_DIR } from './package-dir.js';
import { SCENARIOS } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { ADAPTER_FRAMEWORKS, type Framework, frameworkName } from './stacks.js';
import { medianOf, roundRatios } from './statistics.js';

const USAGE = `npm run baseline -w @sess/bench-peers -- --revision <git revision> [options]
  --revision <rev>      the earlier sess to compare with (checked out, installed and built
                        once in the temporary directory)
  --frameworks <list>   express,fastify,koa (those three)
  --duration <s>        seconds of each measured run (2)
  --rounds <n>          measured runs per stack and scenario, interleaved (15)
  --warmup <s>          unmeasured seconds before a stack's first run of a scenario (2)
  --connections <n>     concurrent connections of the load generator (50)
  --out <file>          the Markdown report (results/baseline-<commit>.md)`;

/** One stack's measured rounds of one scenario. */
interface Measured {
  readonly rounds: LoadResult[];
  readonly cpu: number[];
}

interface Row {
  readonly framework: Framework;
  readonly scenario: string;
  readonly now: Measured;
  readonly before: Measured;
}

/**
 * sess as it is (its read cache off, the default) against sess at an earlier revision, each
 * framework's two servers side by side in the same rounds, the way the peers run measures
 * stacks: whether a route became slower is then read off one run on one machine, not off two
 * runs on machines that differ.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      revision: { type: 'string' },
      frameworks: { type: 'string', default: ADAPTER_FRAMEWORKS.join(',') },
      duration: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || values.revision === undefined) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const frameworks = frameworkList('frameworks', values.frameworks);
  if (frameworks.includes('passport')) {
    throw new Error('--frameworks: the baseline compares the adapters (express, fastify, koa)');
  }
  const duration = positive('duration', values.duration);
  const rounds = positive('rounds', values.rounds);
  const warmup = positive('warmup', values.warmup, true);
  const connections = positive('connections', values.connections);

  const revision = sourceRevision(PACKAGE_DIR);
  const baseline = prepareBaseline(resolve(PACKAGE_DIR, '../..'), values.revision, log);
  const out = values.out ?? `${PACKAGE_DIR}/results/baseline-${baseline.commit.slice(0, 7)}.md`;
  const startedAt = new Date();
  const rig = await startBenchRig(true);
  const { cpus, redis, load, counters } = rig;
  const rows: Row[] = [];
  let redisServer = 'unknown';
  try {
    redisServer = await counters.serverVersion();
    for (const framework of frameworks) {
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
          const measured = { now: empty(), before: empty() };
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
              measured[which].rounds.push(result);
              measured[which].cpu.push(
                result.requests > 0 ? (cpuAfter - cpuBefore) / result.requests : 0,
              );
            }
          }
          const row = { framework, scenario: scenario.id, ...measured };
          rows.push(row);
          log(
            `${frameworkName(framework).padEnd(8)} ${scenario.id.padEnd(12)} now ${rps(row.now).toFixed(0)} req/s, ` +
              `before ${rps(row.before).toFixed(0)} req/s: ${spread(pairedRatios(row, (m, i) => m.rounds[i]?.requestsPerSecond ?? 0, false))} per round ` +
              `(CPU ${medianOf(row.now.cpu).toFixed(0)} / ${medianOf(row.before.cpu).toFixed(0)} µs per request)`,
          );
        }
      } finally {
        await Promise.all([servers.now.stop(), servers.before.stop()]);
      }
    }
  } finally {
    await rig.stop();
  }

  const command = rerunCommand('baseline', process.argv.slice(2));
  const machine = describeMachine(redisServer);
  const lines = [
    `# sess now against sess at ${baseline.commit.slice(0, 7)}`,
    '',
    `Produced by \`${command}\` on ${startedAt.toISOString().slice(0, 10)} at ${revision}, in ${Math.round((Date.now() - startedAt.getTime()) / 60_000)} minutes. ${machine.cpus} × ${machine.cpuModel}, Node.js ${machine.node}, redis-server ${machine.redisServer}.`,
    '',
    `Each framework's sess app (\`bench/peers/src/apps/<framework>-sess.ts\`, its read cache off, the default) runs twice against one throwaway \`redis-server\`: built from this checkout ("now") and from ${baseline.commit} ("before", checked out and built by the command above). The two servers take turns, ${rounds} rounds of ${duration} s with ${connections} connections each after ${warmup} s of warm-up, ${cpus === undefined ? 'sharing all CPUs with the load generator and redis-server' : `each on CPU ${cpus.server}, the load generator and redis-server on CPU ${cpus.others}`}. Shown: each stack's median requests per second with the range of its rounds, its median server CPU per request (user + system time over the responses), and the ratios of the two servers' runs within each round (run back to back, so a slow minute of a shared machine weighs on both): their median, with the middle half of them in brackets. A route is called slower only where the median ratio of both measures is more than 5% worse.`,
    '',
    '| Framework | Scenario | now req/s | before req/s | now ÷ before, per round (middle half) | server CPU µs per request: now / before | before ÷ now by CPU, per round | |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows.map((row) => {
      const speed = pairedRatios(row, (m, i) => m.rounds[i]?.requestsPerSecond ?? 0, false);
      const byCpu = pairedRatios(row, (m, i) => m.cpu[i] ?? 0, true);
      const verdict = medianOf(speed) < 0.95 && medianOf(byCpu) < 0.95 ? '**slower**' : '';
      return `| ${frameworkName(row.framework)} | ${title(row.scenario)} | ${describe(row.now)} | ${describe(row.before)} | ${spread(speed)} | ${medianOf(row.now.cpu).toFixed(0)} / ${medianOf(row.before.cpu).toFixed(0)} | ${medianOf(byCpu).toFixed(2)}× | ${verdict} |`;
    }),
    '',
  ];
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, lines.join('\n'));
  log(`wrote ${out}`);
}

function empty(): Measured {
  return { rounds: [], cpu: [] };
}

function rps(measured: Measured): number {
  return medianOf(measured.rounds.map((round) => round.requestsPerSecond));
}

/** now ÷ before of each round (`inverse`: before ÷ now), sorted. */
function pairedRatios(
  row: Row,
  value: (measured: Measured, round: number) => number,
  inverse: boolean,
): number[] {
  const series = (measured: Measured) => measured.rounds.map((_, i) => value(measured, i));
  return inverse
    ? roundRatios(series(row.before), series(row.now))
    : roundRatios(series(row.now), series(row.before));
}

/** The median of sorted ratios, and their middle half. */
function spread(sorted: readonly number[]): string {
  const at = (q: number) => (sorted[Math.floor(q * (sorted.length - 1))] ?? 0).toFixed(2);
  return `${medianOf(sorted).toFixed(2)}× (${at(0.25)}–${at(0.75)})`;
}

function describe(measured: Measured): string {
  const all = measured.rounds.map((round) => round.requestsPerSecond);
  const failed = measured.rounds.reduce((sum, round) => sum + round.non2xx + round.errors, 0);
  return (
    `${rps(measured).toFixed(0)} (${Math.min(...all).toFixed(0)}–${Math.max(...all).toFixed(0)})` +
    (failed > 0 ? `, ${failed} failed` : '')
  );
}

function title(scenario: string): string {
  return SCENARIOS.find((entry) => entry.id === scenario)?.title ?? scenario;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
