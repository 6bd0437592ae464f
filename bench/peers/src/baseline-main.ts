import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareWithBaseline, renderBaseline } from './baseline-bench.js';
import { prepareBaseline } from './baseline-checkout.js';
import { startBenchRig } from './bench-rig.js';
import { log } from './log.js';
import { describeMachine, sourceRevision } from './machine.js';
import { frameworkList, positive, rerunCommand } from './options.js';
import { PACKAGE_DIR } from './package-dir.js';
import type { BaselineRun } from './results.js';
import { ADAPTER_FRAMEWORKS } from './stacks.js';

const USAGE = `npm run baseline -w @sess/bench-peers -- --revision <git revision> [options]
  --revision <rev>      the earlier sess to compare with (checked out, installed and built
                        once in the temporary directory)
  --frameworks <list>   express,fastify,koa (those three)
  --duration <s>        seconds of each measured run (2)
  --rounds <n>          measured runs per stack and scenario, interleaved (15)
  --warmup <s>          unmeasured seconds before a stack's first run of a scenario (2)
  --connections <n>     concurrent connections of the load generator (50)
  --out <file>          the Markdown report (results/baseline-<commit>.md)`;

/**
 * sess now against sess at an earlier revision on its own (the full run does the same with
 * `--baseline`); see `compareWithBaseline`.
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
  let run: BaselineRun;
  let redisServer = 'unknown';
  try {
    redisServer = await rig.counters.serverVersion();
    run = await compareWithBaseline(
      rig,
      baseline,
      { frameworks, rounds, duration, warmup, connections },
      log,
    );
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
    ...renderBaseline(run),
  ];
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, lines.join('\n'));
  log(`wrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
