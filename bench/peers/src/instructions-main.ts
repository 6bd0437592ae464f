import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareBaseline } from './baseline-checkout.js';
import { countInstructions, renderInstructions } from './instructions-bench.js';
import { log } from './log.js';
import { describeMachine, sourceRevision } from './machine.js';
import { frameworkList, positive, rerunCommand } from './options.js';
import { PACKAGE_DIR } from './package-dir.js';
import { SCENARIO_IDS, SCENARIOS } from './scenarios.js';
import { ADAPTER_FRAMEWORKS } from './stacks.js';

/**
 * Instructions per request of one scenario on its own, for a scenario the full run does not
 * count (it counts reads) or a quicker look; see `countInstructions`.
 */
const USAGE = `npm run instructions -w @sess/bench-peers [-- options]   (needs valgrind)
  --scenario <id>      ${SCENARIO_IDS.join(' | ')} (read)
  --frameworks <list>  express,fastify,koa (passport too, if asked)
  --warmup <n>         requests before counting starts, for the JIT to settle (20000)
  --requests <n>       requests counted (10000)
  --connections <n>    concurrent connections of the load generator (10)
  --revision <rev>     count sess at this earlier git revision too (checked out, installed and
                       built once in the temporary directory, as by npm run baseline)
  --out <file>         the Markdown report (results/instructions.md for reads,
                       results/instructions-<scenario>.md otherwise)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      scenario: { type: 'string', default: 'read' },
      frameworks: { type: 'string', default: ADAPTER_FRAMEWORKS.join(',') },
      warmup: { type: 'string', default: '20000' },
      requests: { type: 'string', default: '10000' },
      connections: { type: 'string', default: '10' },
      revision: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const scenario = SCENARIOS.find((entry) => entry.id === values.scenario);
  if (scenario === undefined) {
    throw new Error(`--scenario: ${values.scenario} is not one of ${SCENARIO_IDS.join(', ')}`);
  }
  const out =
    values.out ??
    `${PACKAGE_DIR}/results/${scenario.id === 'read' ? 'instructions' : `instructions-${scenario.id}`}.md`;
  const revision = sourceRevision(PACKAGE_DIR);
  const run = await countInstructions(
    {
      scenario: scenario.id,
      frameworks: frameworkList('frameworks', values.frameworks),
      warmup: positive('warmup', values.warmup),
      requests: positive('requests', values.requests),
      connections: positive('connections', values.connections),
      baseline:
        values.revision === undefined
          ? undefined
          : prepareBaseline(resolve(PACKAGE_DIR, '../..'), values.revision, log),
    },
    log,
  );
  const machine = describeMachine(run.redisServer);
  await writeFile(
    out,
    [
      `# Instructions per request: ${scenario.title}`,
      '',
      `Produced by \`${rerunCommand('instructions', process.argv.slice(2))}\` on ${new Date().toISOString().slice(0, 10)} at ${revision}. ${machine.cpus} × ${machine.cpuModel}, Node.js ${machine.node}, redis-server ${machine.redisServer}.`,
      '',
      ...renderInstructions(run, '[../../RESULTS.md](../../RESULTS.md)'),
    ].join('\n'),
  );
  log(`wrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
