import { parseArgs } from 'node:util';
import { ADAPTER_FRAMEWORKS, FRAMEWORKS, type Framework, isFramework } from './stacks.js';

export interface BenchOptions {
  /** Seconds of each measured load run. */
  readonly duration: number;
  /** Measured runs per stack and scenario, interleaved with the other stacks'; the median counts. */
  readonly rounds: number;
  /** Seconds of load before each measured run, not counted. */
  readonly warmup: number;
  readonly connections: number;
  readonly frameworks: readonly Framework[];
  /** Requests of the command-count pass (MONITOR on) per stack and scenario. */
  readonly commandRequests: number;
  readonly lostUpdateTrials: number;
  /** Sessions created for the memory figure; 0 skips it. */
  readonly memorySessions: number;
  /** Requests of the heap run on each sess stack in `heapFrameworks`; 0 skips it. */
  readonly heapRequests: number;
  readonly heapFrameworks: readonly Framework[];
  /** An earlier revision of sess to measure side by side with this one; undefined skips it. */
  readonly baseline: string | undefined;
  /** Rounds of the baseline comparison per framework and scenario. */
  readonly baselineRounds: number;
  /** Reads counted by callgrind on each stack; 0 skips the count. */
  readonly instructionRequests: number;
  /** Give each server a CPU of its own, the rest to everything else (when `taskset` works). */
  readonly pin: boolean;
  /** Write CPU profiles of the servers here (`--cpu-prof`). */
  readonly cpuProfileDir: string | undefined;
  /** Where RESULTS.md, the JSON and the throughput chart go. */
  readonly markdownPath: string;
  readonly jsonPath: string;
  readonly svgPath: string;
  /** A results JSON to compare sess (cache off) with; default: `jsonPath` as committed at HEAD. */
  readonly previousPath: string | undefined;
  /** The flags as given, for the reproduce line. */
  readonly argv: readonly string[];
}

export const USAGE = `npm run bench -w @sess/bench-peers [-- options]
  --duration <s>           seconds of each measured run (4)
  --rounds <n>             measured runs per stack and scenario, interleaved; the median counts (7)
  --warmup <s>             unmeasured seconds before a stack's first run of a scenario (2)
  --connections <n>        concurrent connections of the load generator (50)
  --frameworks <list>      express,fastify,koa,passport (passport: Express with Passport on
                           sess and on express-session + connect-redis; the others run sess
                           with and without its read cache)
  --command-requests <n>   requests per stack and scenario counted with MONITOR (2000)
  --lost-update-trials <n> rounds of 50 concurrent attribute writes per stack (5)
  --memory-sessions <n>    sessions created for the memory figure, 0 to skip (100000)
  --heap-requests <n>      requests of the heap run, 0 to skip (1000000)
  --heap-frameworks <list> sess stacks the heap run covers (express,fastify,koa)
  --baseline <rev>         also measure sess at this earlier git revision side by side with
                           this one, each adapter with its read cache off (checked out,
                           installed and built once in the temporary directory)
  --baseline-rounds <n>    rounds of 2 s per adapter and scenario of that comparison (15)
  --instruction-requests <n>
                           reads counted by valgrind's callgrind on each stack of the adapters,
                           after twice as many uncounted; 0 to skip (10000; needs valgrind)
  --no-pin                 let servers, load generator and redis-server share all CPUs
                           (default: each server on a CPU of its own, via taskset)
  --cpu-prof <dir>         write V8 CPU profiles of every server into <dir>
  --out <file>             the Markdown report (../RESULTS.md)
  --json <file>            the JSON results (results/results.json)
  --svg <file>             the throughput chart (results/throughput.svg)
  --previous <file>        the run to compare sess without its cache with (the results JSON
                           as committed at HEAD, read before this run overwrites it)`;

export function parseOptions(argv: readonly string[], packageDir: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      duration: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '7' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      frameworks: { type: 'string', default: FRAMEWORKS.join(',') },
      'command-requests': { type: 'string', default: '2000' },
      'lost-update-trials': { type: 'string', default: '5' },
      'memory-sessions': { type: 'string', default: '100000' },
      'heap-requests': { type: 'string', default: '1000000' },
      'heap-frameworks': { type: 'string', default: ADAPTER_FRAMEWORKS.join(',') },
      baseline: { type: 'string' },
      'baseline-rounds': { type: 'string', default: '15' },
      'instruction-requests': { type: 'string', default: '10000' },
      'no-pin': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      out: { type: 'string', default: `${packageDir}/../RESULTS.md` },
      json: { type: 'string', default: `${packageDir}/results/results.json` },
      svg: { type: 'string', default: `${packageDir}/results/throughput.svg` },
      previous: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    duration: positive('duration', values.duration),
    rounds: positive('rounds', values.rounds),
    warmup: positive('warmup', values.warmup, true),
    connections: positive('connections', values.connections),
    frameworks: frameworkList('frameworks', values.frameworks),
    commandRequests: positive('command-requests', values['command-requests']),
    lostUpdateTrials: positive('lost-update-trials', values['lost-update-trials']),
    memorySessions: positive('memory-sessions', values['memory-sessions'], true),
    heapRequests: positive('heap-requests', values['heap-requests'], true),
    heapFrameworks: frameworkList('heap-frameworks', values['heap-frameworks']),
    baseline: values.baseline,
    baselineRounds: positive('baseline-rounds', values['baseline-rounds']),
    instructionRequests: positive('instruction-requests', values['instruction-requests'], true),
    pin: !values['no-pin'],
    cpuProfileDir: values['cpu-prof'],
    markdownPath: values.out,
    jsonPath: values.json,
    svgPath: values.svg,
    previousPath: values.previous,
    argv,
  };
}

export function positive(name: string, text: string, zeroAllowed = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new Error(`--${name}: expected a ${zeroAllowed ? 'non-negative' : 'positive'} number`);
  }
  return value;
}

export function frameworkList(name: string, text: string): Framework[] {
  const list = text.split(',').filter((entry) => entry.length > 0);
  for (const entry of list) {
    if (!isFramework(entry)) throw new Error(`--${name}: ${entry} is not one of ${FRAMEWORKS}`);
  }
  return list as Framework[];
}

/** The command that runs `script` of this workspace again with `argv`, for a report to name. */
export function rerunCommand(script: string, argv: readonly string[]): string {
  return [
    `npm run ${script} -w @sess/bench-peers`,
    ...(argv.length > 0 ? ['--', ...argv] : []),
  ].join(' ');
}
