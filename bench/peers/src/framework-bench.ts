import { cacheDifference, describeCache, sumCache } from './cache-counts.js';
import { CommandMonitor } from './command-monitor.js';
import type { CpuPlan } from './cpu-pinning.js';
import { createSessions } from './http-client.js';
import type { LoadResult } from './ipc.js';
import type { LoadGenerator } from './load-generator.js';
import { CONCURRENT_WRITES, keptOfConcurrentWrites } from './lost-updates.js';
import type { BenchOptions } from './options.js';
import { connectionsOf } from './process-connections.js';
import type { RedisCounters } from './redis-counters.js';
import type { CacheCounts, CommandCount, LostUpdateRun, ThroughputRun } from './results.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { FLOOR, type Framework, type Kind, kindsOf, stackName } from './stacks.js';
import { medianOf } from './statistics.js';

export interface FrameworkResults {
  readonly throughput: ThroughputRun[];
  readonly commands: CommandCount[];
  readonly lostUpdates: LostUpdateRun[];
}

interface Context {
  readonly options: BenchOptions;
  readonly cpus: CpuPlan | undefined;
  readonly redisUrl: string;
  readonly counters: RedisCounters;
  readonly load: LoadGenerator;
  readonly log: (line: string) => void;
}

/**
 * The stacks of one framework, each in its own process against the same Redis. Each scenario
 * runs on bare, sess, sess with its read cache and the peer back to back, so their ratios come
 * from the same minute of the same machine.
 */
export async function benchFramework(
  framework: Framework,
  context: Context,
): Promise<FrameworkResults> {
  const { options, redisUrl, log, cpus } = context;
  const kinds = kindsOf(framework);
  const servers = new Map<Kind, ServerProcess>();
  try {
    for (const kind of [...kinds, FLOOR] as const) {
      servers.set(
        kind,
        await ServerProcess.start({ framework, kind }, redisUrl, {
          cpuProfileDir: options.cpuProfileDir,
          cpus: cpus?.server,
        }),
      );
    }
    const server = (kind: Kind): ServerProcess => servers.get(kind) as ServerProcess;
    // One session per connection. Bare sends sess' cookies, so its requests are as large. The
    // cached stack reads sessions of its own, created through it: a session's requests all
    // reach the one instance that holds it (the case the cache is for), and sess' touches of
    // its sessions do not invalidate what the cached stack holds.
    const sessCookies = await createSessions(server('sess').url, options.connections);
    const cookies = new Map<Kind, string[]>([
      ['bare', sessCookies],
      [FLOOR, sessCookies],
      ['sess', sessCookies],
      ['peer', await createSessions(server('peer').url, options.connections)],
    ]);
    if (servers.has('sess-cache')) {
      cookies.set(
        'sess-cache',
        await createSessions(server('sess-cache').url, options.connections),
      );
    }

    const throughput: ThroughputRun[] = [];
    for (const scenario of SCENARIOS) {
      const runs = await measureScenario(servers, scenario, cookies, context);
      for (const run of runs) {
        throughput.push(run);
        log(
          `${stackName(run.stack).padEnd(64)} ${scenario.id.padEnd(9)} ` +
            `${run.rounds.map((round) => round.requestsPerSecond.toFixed(0).padStart(6)).join(' ')} req/s  ` +
            `p99 ${run.load.latencyP99} ms  ${run.serverCpuPerRequest.toFixed(0)} µs CPU/req  ` +
            `${run.executedPerRequest.toFixed(2)} cmds/req  ` +
            `Redis ${run.redisCpuPerRequest?.toFixed(1) ?? '–'} µs/req` +
            (run.cache === undefined ? '' : `  cache: ${describeCache(run.cache)}`) +
            (failures(run) > 0 ? `  (${failures(run)} failed)` : ''),
        );
      }
    }

    const commands: CommandCount[] = [];
    const monitor = await CommandMonitor.start(redisUrl);
    try {
      for (const scenario of SCENARIOS) {
        for (const kind of kinds) {
          commands.push(
            await countCommands(server(kind), scenario, cookies.get(kind) ?? [], monitor, context),
          );
        }
      }
    } finally {
      await monitor.stop();
    }

    const lostUpdates: LostUpdateRun[] = [];
    for (const kind of kinds.filter((k) => k !== 'bare')) {
      const kept: number[] = [];
      for (let trial = 0; trial < options.lostUpdateTrials; trial++) {
        kept.push(await keptOfConcurrentWrites(server(kind)));
      }
      lostUpdates.push({ stack: { framework, kind }, attempted: CONCURRENT_WRITES, kept });
      log(
        `${stackName({ framework, kind }).padEnd(70)} kept ${kept.join(', ')} of ${CONCURRENT_WRITES}`,
      );
    }
    return { throughput, commands, lostUpdates };
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
}

/**
 * `rounds` runs of each stack, interleaved (bare, sess, sess-cache, peer, then sess,
 * sess-cache, peer, bare...) so a slow minute of the machine hits all of them; each stack warms
 * up before its first run. The read scenario runs the floor stack too.
 */
async function measureScenario(
  servers: ReadonlyMap<Kind, ServerProcess>,
  scenario: Scenario,
  cookies: ReadonlyMap<Kind, string[]>,
  { options, counters, load }: Context,
): Promise<ThroughputRun[]> {
  const kinds: readonly Kind[] = [...servers.keys()].filter(
    (kind) => kind !== FLOOR || scenario.id === 'read',
  );
  const rounds = new Map<Kind, Round[]>(kinds.map((kind) => [kind, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(i + round) % kinds.length] as Kind;
      const server = servers.get(kind) as ServerProcess;
      const job = {
        url: server.url,
        connections: options.connections,
        requests: scenario.requests,
        cookies: scenario.withSession ? (cookies.get(kind) ?? []) : [],
      };
      if (round === 0 && options.warmup > 0) await load.run({ ...job, duration: options.warmup });
      const cacheBefore = await server.cacheStats();
      const cpuBefore = await server.cpuMicros();
      const before = await counters.usage();
      const result = await load.run({ ...job, duration: options.duration });
      const after = await counters.usage();
      const cpuAfter = await server.cpuMicros();
      const cacheAfter = await server.cacheStats();
      const perRequest = (value: number) => (result.requests > 0 ? value / result.requests : 0);
      // `after` includes the INFO that read `before`.
      rounds.get(kind)?.push({
        load: result,
        executed: perRequest(after.commands - before.commands - 1),
        cpu: perRequest(cpuAfter - cpuBefore),
        redisCpu: perRequest(after.cpuMicros - before.cpuMicros),
        cache: cacheDifference(cacheBefore, cacheAfter),
      });
    }
  }
  return kinds.map((kind) => {
    const measured = rounds.get(kind) ?? [];
    const byThroughput = [...measured].sort(
      (a, b) => a.load.requestsPerSecond - b.load.requestsPerSecond,
    );
    const median = byThroughput[Math.floor(byThroughput.length / 2)];
    if (median === undefined) throw new Error('no rounds');
    return {
      stack: (servers.get(kind) as ServerProcess).stack,
      scenario: scenario.id,
      load: median.load,
      rounds: measured.map((entry) => entry.load),
      serverCpuPerRequest: medianOf(measured.map((entry) => entry.cpu)),
      executedPerRequest: medianOf(measured.map((entry) => entry.executed)),
      redisCpuPerRequest: medianOf(measured.map((entry) => entry.redisCpu)),
      cache: sumCache(measured.map((entry) => entry.cache)),
    };
  });
}

interface Round {
  readonly load: LoadResult;
  readonly executed: number;
  readonly cpu: number;
  readonly redisCpu: number;
  readonly cache: CacheCounts | undefined;
}

function failures(run: ThroughputRun): number {
  return run.rounds.reduce((sum, round) => sum + round.non2xx + round.errors, 0);
}

async function countCommands(
  server: ServerProcess,
  scenario: Scenario,
  cookies: readonly string[],
  monitor: CommandMonitor,
  { options, load, redisUrl }: Context,
): Promise<CommandCount> {
  // Only the counted server's connections: a server idling beside it still sends its checks.
  const redisPort = Number(new URL(redisUrl).port);
  await monitor.reset(server.pid === undefined ? undefined : connectionsOf(server.pid, redisPort));
  const result = await load.run({
    url: server.url,
    connections: Math.min(10, options.connections),
    duration: 600,
    amount: options.commandRequests,
    requests: scenario.requests,
    cookies: scenario.withSession ? cookies : [],
  });
  const counted = await monitor.collect();
  const requests = result.requests;
  const perRequest = (count: number) => (requests > 0 ? count / requests : 0);
  const total = (counts: Record<string, number>) =>
    Object.values(counts).reduce((sum, count) => sum + count, 0);
  const sentMix: Record<string, number> = {};
  for (const [name, count] of Object.entries(counted.sent)) sentMix[name] = perRequest(count);
  return {
    stack: server.stack,
    scenario: scenario.id,
    requests,
    sentPerRequest: perRequest(total(counted.sent)),
    inScriptsPerRequest: perRequest(total(counted.inScripts)),
    sentMix,
  };
}
