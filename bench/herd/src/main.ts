import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis } from '@sess/testkit';
import type { Fleet } from './fleet.js';
import { herdChart } from './herd-chart.js';
import { type RunSummary, summarize } from './herd-metrics.js';
import { parseHerdOptions } from './herd-options.js';
import { type RunResult, runHerd } from './herd-run.js';
import { ReplicaFleet } from './replica-fleet.js';
import { SessFleet } from './sess-fleet.js';

// The cleanup-herd benchmark: the same workload twice, against a fresh throwaway redis-server
// each time — N instances with sess, then N instances with a replica of the algorithm Spring
// Session documents — sampling Redis' command counter every second.

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const options = parseHerdOptions(process.argv.slice(2), process.env);
const factor = 60_000 / options.minuteMs;
const runs: RunResult[] = [];
let sessTickMs = 0;

for (const side of options.runs) {
  const server = await startRedis({ env: false });
  try {
    const fleet: Fleet =
      side === 'sess' ? new SessFleet(server.url, options) : new ReplicaFleet(server.url, options);
    if (fleet instanceof SessFleet) sessTickMs = fleet.tickMs;
    const describe = (): Record<string, unknown> =>
      fleet instanceof SessFleet
        ? { settings: fleet.settings, cleaners: fleet.cleanerTotals() }
        : fleet instanceof ReplicaFleet
          ? { messages: fleet.messages() }
          : {};
    runs.push(await runHerd(fleet, server.url, options, describe));
  } finally {
    await server.stop();
  }
}
if (sessTickMs === 0) sessTickMs = Math.round(5_000 / factor);

const summaries = runs.map((run) => summarize(run, sessTickMs, options.minuteMs));
const sess = summaries.find((s) => s.name === 'sess');
const replica = summaries.find((s) => s.name === 'replica');
const ratio =
  sess && replica ? replica.commandsPerExpiredSession / sess.commandsPerExpiredSession : undefined;
const command = `npm run herd -w @sess/bench-herd -- --instances ${options.instances} --per-minute ${options.perMinute} --minute-ms ${options.minuteMs} --idle-minutes ${options.idleMinutes} --sign-in-minutes ${options.signInMinutes}`;
const scenario = `${options.instances} instances, ${options.perMinute.toLocaleString('en')} sign-ins and expirations per minute, idle timeout ${options.idleMinutes} min; 1 minute = ${options.minuteMs / 1000} s (${formatNumber(factor)}× faster)`;

const jsonPath = at(options.jsonPath);
const svgPath = at(options.svgPath);
await mkdir(dirname(jsonPath), { recursive: true });
await writeFile(
  jsonPath,
  `${JSON.stringify(
    {
      scenario,
      options,
      command,
      ratio,
      summaries,
      // Per-session delays are summarized (p50/p99/max) in the summaries.
      runs: runs.map(({ lateness: _, ...run }) => run),
    },
    null,
    2,
  )}\n`,
);
await writeFile(
  svgPath,
  herdChart(
    runs,
    'Redis commands per second: sess vs. a replica of Spring Session’s algorithm',
    scenario,
  ),
);

console.log(`\nCleanup herd — ${scenario}\n`);
printTable(summaries);
if (ratio !== undefined)
  console.log(`\nsess sends ${formatNumber(ratio)}× fewer Redis commands per expired session.`);
if (sess) printTargets(sess, ratio);
console.log(`\nResults: ${jsonPath}\nChart:   ${svgPath}\nReproduce: ${command}`);

function printTable(list: readonly RunSummary[]): void {
  const rows: Array<[string, (s: RunSummary) => string]> = [
    ['sessions signed in / reported expired', (s) => `${s.signIns} / ${s.expired}`],
    ['Redis commands per expired session', (s) => formatNumber(s.commandsPerExpiredSession)],
    ['  (commands per sign-in, taken out)', (s) => formatNumber(s.commandsPerSignIn)],
    ['  (commands/s of the idle fleet)', (s) => formatNumber(s.idleCommandsPerSecond)],
    [
      'peak second ÷ mean second (steady part)',
      (s) => `${formatNumber(s.peakToMean)} (${s.peakSecond} / ${s.meanSecond})`,
    ],
    ['event deliveries per expiry', (s) => formatNumber(s.deliveriesPerExpiry)],
    [
      `reported later than expiry + 2 ticks (${2 * sessTickMs} ms)`,
      (s) => String(s.reportedAfterTwoTicks),
    ],
    [
      'still in Redis at expiry + 2 ticks',
      (s) => (s.presentAfterTwoTicks === undefined ? 'n/a' : String(s.presentAfterTwoTicks)),
    ],
    [
      'report delay p50 / p99 / max (ms)',
      (s) => `${s.latenessMs.p50} / ${s.latenessMs.p99} / ${s.latenessMs.max}`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  console.log(`${''.padEnd(width)}${list.map((s) => s.name.padEnd(22)).join('')}`);
  for (const [label, value] of rows) {
    console.log(`${label.padEnd(width)}${list.map((s) => value(s).padEnd(22)).join('')}`);
  }
  console.log(
    '\n(replica = a replica of the algorithm Spring Session documents, not Spring itself)',
  );
}

function printTargets(s: RunSummary, r: number | undefined): void {
  const checks: Array<[string, boolean | undefined]> = [
    ['≥ 100× fewer Redis commands per expired session', r === undefined ? undefined : r >= 100],
    ['peak second ≤ 2× mean second', s.peakToMean <= 2],
    ['one delivery per expiry per group', s.deliveriesPerExpiry === 1],
    [
      'no expired session left after expiry + 2 ticks',
      s.presentAfterTwoTicks === 0 && s.reportedAfterTwoTicks === 0 && s.unreported === 0,
    ],
  ];
  console.log('\nTargets (sess):');
  for (const [label, ok] of checks) {
    console.log(`  ${ok === undefined ? '-' : ok ? '✓' : '✗'} ${label}`);
  }
}

function formatNumber(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function at(path: string): string {
  return isAbsolute(path) ? path : resolve(packageDir, path);
}
