import { baselineRatios, isSlower } from './baseline-bench.js';
import { describeCache } from './cache-counts.js';
import type { BenchResults, HeapRun, ThroughputRun } from './results.js';
import type { ScenarioId } from './scenarios.js';
import { type Framework, frameworkName, isSessKind, type Kind, peerName } from './stacks.js';
import { medianOf, roundRatios } from './statistics.js';

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** undefined: that part was not run. */
  readonly met: boolean | undefined;
}

/** A heap run "does not grow" when the second half adds less than this, after full GCs. */
export const HEAP_NOISE_BYTES = 1024 * 1024;

/** Fastify + sess with its read cache, reading sessions it holds, against bare Fastify. */
export const CACHED_READ_OF_BARE = 0.9;
/** Redis commands per read with the cache: the touches and what follows a change, little else. */
export const CACHED_READ_COMMANDS = 0.05;

export function throughputRun(
  results: BenchResults,
  framework: Framework,
  kind: Kind,
  scenario: ScenarioId,
): ThroughputRun | undefined {
  return results.throughput.find(
    (run) =>
      run.stack.framework === framework && run.stack.kind === kind && run.scenario === scenario,
  );
}

export function requestsPerSecond(
  results: BenchResults,
  framework: Framework,
  kind: Kind,
  scenario: ScenarioId,
): number | undefined {
  return throughputRun(results, framework, kind, scenario)?.load.requestsPerSecond;
}

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/**
 * Stack `a` over stack `b`, round by round: the median of the ratios of their runs in the same
 * round. The rounds interleave the stacks, so the two runs of a round are seconds apart and see
 * the same machine; a machine that slows down for a few rounds (a neighbour, a kernel thread)
 * moves both. The ratio of the two median rounds does not cancel that: when the slow rounds
 * fall among one stack's middle rounds and not the other's, it follows the machine.
 */
export function roundRatio(
  results: BenchResults,
  framework: Framework,
  a: Kind,
  b: Kind,
  scenario: ScenarioId,
): number | undefined {
  const runA = throughputRun(results, framework, a, scenario);
  const runB = throughputRun(results, framework, b, scenario);
  if (runA === undefined || runB === undefined) return undefined;
  const perSecond = (run: ThroughputRun) => run.rounds.map((round) => round.requestsPerSecond);
  const ratios = roundRatios(perSecond(runA), perSecond(runB));
  return ratios.length === 0 ? undefined : medianOf(ratios);
}

/** A ratio as the reports print it (`–` when there is none). */
export function times(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(2)}×`;
}

/** Server CPU per request of `b` over that of `a`: how many of a's requests one core serves per b's. */
export function cpuRatio(
  results: BenchResults,
  framework: Framework,
  a: Kind,
  b: Kind,
  scenario: ScenarioId,
): number | undefined {
  const cpu = (kind: Kind) =>
    throughputRun(results, framework, kind, scenario)?.serverCpuPerRequest;
  return ratio(cpu(b), cpu(a));
}

export function sentPerRequest(
  results: BenchResults,
  framework: Framework,
  kind: Kind,
  scenario: ScenarioId,
): number | undefined {
  return results.commands.find(
    (count) =>
      count.stack.framework === framework &&
      count.stack.kind === kind &&
      count.scenario === scenario,
  )?.sentPerRequest;
}

/** Growth of the heap over the run's second half, and over the whole run. */
export function heapGrowth(run: HeapRun): { secondHalf: number; whole: number } {
  const samples = run.samples;
  const first = samples[0]?.heapUsed ?? 0;
  const middle = samples[Math.floor((samples.length - 1) / 2)]?.heapUsed ?? first;
  const last = samples[samples.length - 1]?.heapUsed ?? first;
  return { secondHalf: last - middle, whole: last - first };
}

const fixed = (value: number | undefined, digits = 2) =>
  value === undefined ? 'not run' : value.toFixed(digits);

/**
 * `a` ÷ `b` as a target reads it: the median of the rounds' ratios (what decides), then the
 * ratio of the median rounds and of server CPU per request.
 */
function compared(
  results: BenchResults,
  framework: Framework,
  a: Kind,
  b: Kind,
  scenario: ScenarioId,
): { value: number | undefined; text: string } {
  const value = roundRatio(results, framework, a, b, scenario);
  const medians = ratio(
    requestsPerSecond(results, framework, a, scenario),
    requestsPerSecond(results, framework, b, scenario),
  );
  return {
    value,
    text: `${fixed(value)}× (median rounds: ${fixed(medians)}×; server CPU per request: ${fixed(cpuRatio(results, framework, a, b, scenario))}×)`,
  };
}

export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const frameworks = [...new Set(results.throughput.map((run) => run.stack.framework))];

  const readTargets: Array<[Framework, number]> = [
    ['fastify', 1.5],
    ['express', 1.3],
    ['koa', 1.5],
  ];
  for (const [framework, minimum] of readTargets) {
    if (!frameworks.includes(framework)) continue;
    const { value, text } = compared(results, framework, 'sess', 'peer', 'read');
    checks.push({
      target: `${frameworkName(framework)}, read: sess ≥ ${minimum}× ${peerName(framework)}`,
      measured: text,
      met: value === undefined ? undefined : value >= minimum,
    });
    if (framework === 'fastify') {
      const bare = compared(results, framework, 'sess', 'bare', 'read');
      const floor = roundRatio(results, framework, 'floor', 'bare', 'read');
      checks.push({
        target: 'Fastify, read: sess ≥ 0.75× bare Fastify',
        measured: `${bare.text}; the floor, Fastify + one HGETALL and nothing else: ${fixed(floor)}×`,
        met: bare.value === undefined ? undefined : bare.value >= 0.75,
      });
      const cached = compared(results, framework, 'sess-cache', 'bare', 'read');
      const cache = throughputRun(results, framework, 'sess-cache', 'read')?.cache;
      checks.push({
        target: `Fastify, read: sess with its read cache ≥ ${CACHED_READ_OF_BARE}× bare Fastify (each session read on the instance that holds it)`,
        measured: `${cached.text}${cache === undefined ? '' : `; ${describeCache(cache)}`}`,
        met: cached.value === undefined ? undefined : cached.value >= CACHED_READ_OF_BARE,
      });
    }
  }
  if (frameworks.includes('passport')) {
    const { value, text } = compared(results, 'passport', 'sess', 'peer', 'read');
    checks.push({
      target: `${frameworkName('passport')}, read: sess ahead of ${peerName('passport')}`,
      measured: text,
      met: value === undefined ? undefined : value > 1,
    });
  }
  // A first write is where the peers' single SET is hardest to beat: on par is the target there.
  const writeTargets: Array<[ScenarioId, 'ahead of' | 'on par with']> = [
    ['write', 'ahead of'],
    ['first-write', 'on par with'],
    ['sign-in', 'ahead of'],
  ];
  for (const [scenario, relation] of writeTargets) {
    for (const framework of frameworks) {
      // The Passport stacks measure a read and a login; a first write is the adapters'.
      if (scenario === 'first-write' && framework === 'passport') continue;
      const { value, text } = compared(results, framework, 'sess', 'peer', scenario);
      checks.push({
        target: `${frameworkName(framework)}, ${framework === 'passport' && scenario === 'sign-in' ? 'login (`req.login`)' : scenario}: sess ${relation} ${peerName(framework)}${relation === 'on par with' ? ' (≥ 1.00×)' : ''}`,
        measured: text,
        met: value === undefined ? undefined : relation === 'ahead of' ? value > 1 : value >= 1,
      });
    }
  }

  const commandLimits: Array<[ScenarioId, number, string]> = [
    ['anonymous', 0, '0'],
    ['read', 1.05, '≤ 1.05'],
    ['write', 2, '≤ 2'],
  ];
  for (const [scenario, limit, text] of commandLimits) {
    const values = frameworks.map((framework) =>
      sentPerRequest(results, framework, 'sess', scenario),
    );
    const known = values.filter((value): value is number => value !== undefined);
    const worst = known.length > 0 ? Math.max(...known) : undefined;
    checks.push({
      target: `Redis commands per request, ${scenario}: ${text}`,
      measured:
        known.length > 0 ? `${fixed(worst, 3)} (worst of ${known.length} adapters)` : 'not run',
      met: worst === undefined ? undefined : worst <= limit,
    });
  }

  const cachedReads = frameworks.flatMap((framework) => {
    const sent = sentPerRequest(results, framework, 'sess-cache', 'read');
    return sent === undefined ? [] : [sent];
  });
  const worstCached = cachedReads.length > 0 ? Math.max(...cachedReads) : undefined;
  checks.push({
    target: `Redis commands per request, read, sess with its read cache: ≤ ${CACHED_READ_COMMANDS}`,
    measured:
      worstCached === undefined
        ? 'not run'
        : `${fixed(worstCached, 3)} (worst of ${cachedReads.length} adapters; the touches' writes and their fences included, the tracking check once a second left out like the cleaner)`,
    met: worstCached === undefined ? undefined : worstCached <= CACHED_READ_COMMANDS,
  });

  if (results.baseline !== undefined) {
    const rows = results.baseline.rows;
    const slower = rows.filter(isSlower);
    const worst = rows
      .map((row) => ({ row, ...baselineRatios(row) }))
      .sort((a, b) => medianOf(a.speed) - medianOf(b.speed))[0];
    checks.push({
      target: `With its read cache off, no route slower than sess at ${results.baseline.commit.slice(0, 7)} (both median ratios more than 5% worse, measured side by side, and again in a second measurement)`,
      measured:
        worst === undefined
          ? 'not run'
          : `${slower.length} of ${rows.length} routes slower${slower.length > 0 ? ` (${slower.map((row) => `${frameworkName(row.framework)} ${row.scenario}`).join(', ')})` : ''}; lowest: ${frameworkName(worst.row.framework)} ${worst.row.scenario} ${fixed(medianOf(worst.speed))}× by requests per second, ${fixed(medianOf(worst.cpu))}× by server CPU`,
      met: rows.length === 0 ? undefined : slower.length === 0,
    });
  } else {
    checks.push({
      target: 'With its read cache off, no route slower than an earlier sess',
      measured: 'not run (`--baseline <revision>`)',
      met: undefined,
    });
  }

  const sessLost = results.lostUpdates.filter((run) => isSessKind(run.stack.kind));
  const worstKept = sessLost.flatMap((run) => run.kept.map((kept) => run.attempted - kept));
  checks.push({
    target:
      'Lost updates with sess (its read cache on and off): 0 of 50 concurrent attribute writes',
    measured:
      worstKept.length > 0
        ? `${Math.max(...worstKept)} lost (worst of ${worstKept.length} trials)`
        : 'not run',
    met: worstKept.length > 0 ? Math.max(...worstKept) === 0 : undefined,
  });

  const sess = results.memory.find((run) => run.stack.kind === 'sess' && !run.options);
  const sessAllCreations = results.memory.find((run) => run.stack.kind === 'sess' && run.options);
  const connectRedis = results.memory.find(
    (run) => run.stack.kind === 'peer' && run.stack.framework === 'express',
  );
  const memoryRatio = ratio(sess?.bytesPerSession, connectRedis?.bytesPerSession);
  const allCreationsRatio = ratio(sessAllCreations?.bytesPerSession, connectRedis?.bytesPerSession);
  checks.push({
    target: 'Redis memory per session ≤ 1.3× connect-redis',
    measured:
      memoryRatio === undefined
        ? 'not run'
        : `${fixed(memoryRatio)}× (${sess?.bytesPerSession.toFixed(0)} vs ${connectRedis?.bytesPerSession.toFixed(0)} bytes; sess' expiry index ${sess?.parts['expiry index']?.toFixed(0) ?? '–'} of its ${sess?.bytesPerSession.toFixed(0)})${
            allCreationsRatio === undefined
              ? ''
              : `; ${fixed(allCreationsRatio)}× with anonymous sessions' creations in the event stream too (\`${sessAllCreations?.options}\`, ${sessAllCreations?.parts['event stream']?.toFixed(0)} bytes of stream per session here, a log capped at 100,000 entries whatever the number of sessions)`
          }`,
    met: memoryRatio === undefined ? undefined : memoryRatio <= 1.3,
  });

  if (results.heap.length === 0) {
    checks.push({
      target: 'No heap growth over 1,000,000 requests',
      measured: 'not run',
      met: undefined,
    });
  }
  for (const run of results.heap) {
    const growth = heapGrowth(run);
    checks.push({
      target: `No heap growth beyond noise over ${run.requests.toLocaleString('en-US')} requests (${frameworkName(run.stack.framework)} + sess)`,
      measured: `${mib(growth.secondHalf)} over the second half, ${mib(growth.whole)} over the run`,
      met: growth.secondHalf < HEAP_NOISE_BYTES && run.requests >= 1_000_000,
    });
  }
  return checks;
}

export function mib(bytes: number): string {
  return `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / 2 ** 20).toFixed(2)} MiB`;
}
