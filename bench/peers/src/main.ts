import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { compareWithBaseline } from './baseline-bench.js';
import { prepareBaseline } from './baseline-checkout.js';
import { type BenchRig, onFreshRig } from './bench-rig.js';
import { Callgrind } from './callgrind.js';
import { planCpus } from './cpu-pinning.js';
import { benchFramework } from './framework-bench.js';
import { measureHeap } from './heap-bench.js';
import { countInstructions } from './instructions-bench.js';
import { log } from './log.js';
import { describeMachine, installedVersions, sourceRevision } from './machine.js';
import { MEMORY_STACKS, measureMemory } from './memory-bench.js';
import { parseOptions, rerunCommand } from './options.js';
import { PACKAGE_DIR } from './package-dir.js';
import { readPreviousRun } from './previous-run.js';
import { renderMarkdown } from './report.js';
import type {
  BaselineRun,
  BenchResults,
  CommandCount,
  HeapRun,
  InstructionRun,
  LostUpdateRun,
  MemoryRun,
  ThroughputRun,
} from './results.js';
import { ADAPTER_FRAMEWORKS } from './stacks.js';
import { throughputChart } from './throughput-chart.js';

/** The round of `npm run baseline`, so that the full run and the standalone one compare alike. */
const BASELINE_ROUND_SECONDS = 2;
/** Few connections: under valgrind each request is slow, and more would only queue. */
const INSTRUCTION_CONNECTIONS = 10;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), PACKAGE_DIR);
  const startedAt = new Date();
  // Read before the run: what the servers were built from.
  const revision = sourceRevision(PACKAGE_DIR);
  const previous = await readPreviousRun(options.jsonPath, options.previousPath);
  log(
    previous === undefined
      ? 'no previous results to compare with'
      : `comparing sess with ${previous.source} (${previous.revision}, ${previous.startedAt})`,
  );
  // What the last parts need is checked (and the baseline built) before an hour of measuring.
  if (options.instructionRequests > 0) Callgrind.assertInstalled();
  const baseline =
    options.baseline === undefined
      ? undefined
      : prepareBaseline(resolve(PACKAGE_DIR, '../..'), options.baseline, log);
  const adapters = options.frameworks.filter((framework) => ADAPTER_FRAMEWORKS.includes(framework));
  const cpus = options.pin ? planCpus() : undefined;
  const throughput: ThroughputRun[] = [];
  const commands: CommandCount[] = [];
  const lostUpdates: LostUpdateRun[] = [];
  const memory: MemoryRun[] = [];
  const heap: HeapRun[] = [];
  let baselineRun: BaselineRun | undefined;
  let instructions: InstructionRun | undefined;
  let redisServer = 'unknown';
  // Every part on a redis-server of its own (see `onFreshRig`); the report names their version.
  const fresh = <T>(work: (rig: BenchRig) => Promise<T>): Promise<T> =>
    onFreshRig(options.pin, async (rig) => {
      redisServer = await rig.counters.serverVersion();
      return work(rig);
    });
  log('a new redis-server for each framework and each part of the run');
  log(
    cpus === undefined
      ? 'CPUs shared by everything (no pinning)'
      : `servers on CPU ${cpus.server}; load generator, redis-server and the bench on CPU ${cpus.others}`,
  );
  for (const framework of options.frameworks) {
    const results = await fresh((rig) =>
      benchFramework(framework, {
        options,
        cpus,
        redisUrl: rig.redis.url,
        counters: rig.counters,
        load: rig.load,
        log,
      }),
    );
    throughput.push(...results.throughput);
    commands.push(...results.commands);
    lostUpdates.push(...results.lostUpdates);
  }
  if (options.memorySessions > 0) {
    await fresh(async ({ load }) => {
      for (const entry of MEMORY_STACKS) {
        const run = await measureMemory(entry, options.memorySessions, load, cpus);
        memory.push(run);
        log(`memory ${entry.label}: ${run.bytesPerSession.toFixed(0)} bytes per session`);
      }
    });
  }
  for (const framework of options.heapRequests > 0 ? options.heapFrameworks : []) {
    heap.push(
      await fresh(({ redis, load }) => measureHeap(framework, redis.url, options, load, cpus, log)),
    );
  }
  if (baseline !== undefined) {
    baselineRun = await fresh((rig) =>
      compareWithBaseline(
        rig,
        baseline,
        {
          frameworks: adapters,
          rounds: options.baselineRounds,
          duration: BASELINE_ROUND_SECONDS,
          warmup: options.warmup,
          connections: options.connections,
        },
        log,
      ),
    );
  }
  if (options.instructionRequests > 0) {
    // Each server alone under valgrind, with a redis-server of its own: after the rig is gone.
    instructions = await countInstructions(
      {
        scenario: 'read',
        frameworks: adapters,
        warmup: 2 * options.instructionRequests,
        requests: options.instructionRequests,
        connections: INSTRUCTION_CONNECTIONS,
        baseline,
      },
      log,
    );
  }

  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: rerunCommand('bench', options.argv),
    settings: {
      connections: options.connections,
      duration: options.duration,
      rounds: options.rounds,
      warmup: options.warmup,
      commandRequests: options.commandRequests,
      cpus,
    },
    machine: describeMachine(redisServer),
    revision,
    versions: installedVersions(PACKAGE_DIR),
    throughput,
    commands,
    lostUpdates,
    memory,
    heap,
    baseline: baselineRun,
    instructions,
    previous,
  };
  await mkdir(dirname(options.jsonPath), { recursive: true });
  await writeFile(options.jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(
    options.markdownPath,
    renderMarkdown(results, relative(dirname(options.markdownPath), options.jsonPath)),
  );
  await writeFile(options.svgPath, throughputChart(results));
  log(`wrote ${options.markdownPath}, ${options.jsonPath} and ${options.svgPath}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
