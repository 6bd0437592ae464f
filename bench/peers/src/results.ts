import type { LoadResult } from './ipc.js';
import type { Machine } from './machine.js';
import type { ScenarioId } from './scenarios.js';
import type { Framework, Kind, Stack } from './stacks.js';

/** One measured load run of one stack on one scenario. */
export interface ThroughputRun {
  readonly stack: Stack;
  readonly scenario: ScenarioId;
  /** The round with the median requests per second. */
  readonly load: LoadResult;
  /** Every round, in the order they ran. */
  readonly rounds: readonly LoadResult[];
  /** CPU time of the server process per response (µs), median of the rounds. */
  readonly serverCpuPerRequest: number;
  /** `total_commands_processed` growth per response: scripts' inner commands and sess' cleaner included. */
  readonly executedPerRequest: number;
  /** redis-server's CPU time per response (µs), median of the rounds; absent before it was measured. */
  readonly redisCpuPerRequest?: number | undefined;
  /** What the stack's read cache did over the measured rounds (`sess-cache` only). */
  readonly cache?: CacheCounts | undefined;
}

/** A read cache's figures over some requests (`port.cacheStats()` differences). */
export interface CacheCounts {
  /** Session reads answered without a Redis command of their own. */
  readonly hits: number;
  /** Session reads sent to Redis. */
  readonly misses: number;
  /** Keys Redis said changed. */
  readonly invalidations: number;
  /** Rounds at whose end tracking was down on a connection (its reads went to Redis). */
  readonly roundsTrackingDown: number;
}

/** The commands one request of a stack and scenario sends, counted with MONITOR. */
export interface CommandCount {
  readonly stack: Stack;
  readonly scenario: ScenarioId;
  readonly requests: number;
  /** Commands sent by the request path (a script call is one). */
  readonly sentPerRequest: number;
  /** Commands the scripts ran, per request. */
  readonly inScriptsPerRequest: number;
  /** Sent commands by name, per request. */
  readonly sentMix: Record<string, number>;
}

export interface LostUpdateRun {
  readonly stack: Stack;
  readonly attempted: number;
  /** Attributes present afterwards, one figure per trial. */
  readonly kept: readonly number[];
}

export interface MemoryRun {
  readonly label: string;
  readonly stack: Stack;
  /** A sess store not at its defaults: what differs. */
  readonly options?: string | undefined;
  /** Sessions created, counted in Redis. */
  readonly sessions: number;
  /** Requests that did not get a 2xx (they may or may not have created a session). */
  readonly failedRequests: number;
  readonly usedMemoryDelta: number;
  readonly bytesPerSession: number;
  /** Where a session's bytes are, from MEMORY USAGE (sess: hash, expiry index, event stream). */
  readonly parts: Record<string, number>;
}

export interface HeapRun {
  readonly stack: Stack;
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
  /** Heap in use after a full GC, after that many measured requests. */
  readonly samples: ReadonlyArray<{ readonly afterRequests: number; readonly heapUsed: number }>;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly settings: {
    readonly connections: number;
    readonly duration: number;
    readonly rounds: number;
    readonly warmup: number;
    readonly commandRequests: number;
    /** How CPUs were split (`taskset`), or undefined when everything shared them. */
    readonly cpus: { readonly server: string; readonly others: string } | undefined;
  };
  readonly machine: Machine;
  readonly revision: string;
  readonly versions: Record<string, string>;
  readonly throughput: readonly ThroughputRun[];
  readonly commands: readonly CommandCount[];
  readonly lostUpdates: readonly LostUpdateRun[];
  readonly memory: readonly MemoryRun[];
  readonly heap: readonly HeapRun[];
  /** sess now against sess at an earlier revision, side by side in this run (`--baseline`). */
  readonly baseline?: BaselineRun | undefined;
  /** Instructions per read counted by callgrind in this run (`--instruction-requests`). */
  readonly instructions?: InstructionRun | undefined;
  /** The run this one is compared with (sess without its cache), when there was one. */
  readonly previous?: PreviousRun | undefined;
}

/** One server's measured rounds of one scenario, in the order they ran. */
export interface MeasuredRounds {
  readonly requestsPerSecond: readonly number[];
  /** Server CPU time per response (µs), per round. */
  readonly cpuPerRequest: readonly number[];
  /** Responses that were not 2xx, and errors, over all rounds. */
  readonly failed: number;
}

/** One framework's sess app on one scenario, built now and at the baseline, same rounds. */
export interface BaselineRow extends MeasuredPair {
  readonly framework: Framework;
  readonly scenario: ScenarioId;
  /** The second measurement of a route the first found slower (see `isSlower`). */
  readonly recheck?: MeasuredPair | undefined;
}

/** One measurement of a route: the rounds of sess now and of sess at the earlier revision. */
export interface MeasuredPair {
  readonly now: MeasuredRounds;
  readonly before: MeasuredRounds;
}

export interface BaselineRun {
  /** The full commit id of the earlier sess. */
  readonly commit: string;
  readonly rounds: number;
  readonly duration: number;
  readonly warmup: number;
  readonly connections: number;
  /** Pairs of servers each scenario's rounds were spread over (one in runs before there was a choice). */
  readonly serverPairs?: number | undefined;
  readonly cpus: { readonly server: string; readonly others: string } | undefined;
  readonly rows: readonly BaselineRow[];
}

/** The stacks whose instructions per request are counted. */
export type CountedKind = Extract<Kind, 'sess' | 'sess-cache' | 'bare' | 'floor' | 'peer'>;

/** Instructions per request of one scenario, counted by callgrind in each server process. */
export interface InstructionRun {
  readonly scenario: ScenarioId;
  /** Requests sent before counting starts, for the JIT to settle. */
  readonly warmup: number;
  readonly requests: number;
  readonly connections: number;
  /** `valgrind --version`. */
  readonly valgrind: string;
  /** The version of the redis-server the servers ran against. */
  readonly redisServer: string;
  /** The commit of an earlier sess whose sess stack was counted too (`before`). */
  readonly baseline?: string | undefined;
  readonly frameworks: ReadonlyArray<{
    readonly framework: Framework;
    readonly perRequest: Partial<Record<CountedKind, number>>;
    /** What the cached stack's cache did over its counted requests. */
    readonly cache?: CacheCounts | undefined;
    /** The sess stack of the earlier sess, per request. */
    readonly before?: number | undefined;
  }>;
}

/** What the report compares from an earlier run: its sess and bare throughput. */
export interface PreviousRun {
  /** Where it came from, e.g. "results.json as committed in 946bba6". */
  readonly source: string;
  readonly revision: string;
  readonly startedAt: string;
  readonly machine: Machine;
  readonly throughput: ReadonlyArray<{
    readonly stack: Stack;
    readonly scenario: ScenarioId;
    readonly requestsPerSecond: number;
    readonly serverCpuPerRequest: number;
  }>;
}
