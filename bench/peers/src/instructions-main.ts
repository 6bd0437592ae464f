import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedis } from '@sess/testkit';
import { cacheDifference, describeCache } from './cache-counts.js';
import { Callgrind } from './callgrind.js';
import { createSessions } from './http-client.js';
import { LoadGenerator } from './load-generator.js';
import { log } from './log.js';
import { describeMachine, sourceRevision } from './machine.js';
import { frameworkList, positive, rerunCommand } from './options.js';
import { PACKAGE_DIR } from './package-dir.js';
import { RedisCounters } from './redis-counters.js';
import type { CacheCounts } from './results.js';
import { SCENARIO_IDS, SCENARIOS, type Scenario } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import {
  ADAPTER_FRAMEWORKS,
  FLOOR,
  type Framework,
  frameworkName,
  type Kind,
  kindsOf,
  peerName,
  stackName,
} from './stacks.js';
import { ratio, times } from './targets.js';

/**
 * Instructions per request of one scenario (a read unless told), counted by callgrind in each
 * server process. Throughput on a
 * shared 2-CPU machine moves by ±30% between rounds and the floor's ratio to bare Fastify by
 * more between runs; an instruction count moves by a few per cent, so it says what a read
 * costs each stack, and what the floor (one HGETALL through node-redis) leaves for any store.
 * It sees neither the kernel's work for the sockets nor cache misses, so it is a second opinion
 * next to the throughput, not a replacement.
 */
const USAGE = `npm run instructions -w @sess/bench-peers [-- options]   (needs valgrind)
  --scenario <id>      ${SCENARIO_IDS.join(' | ')} (read)
  --frameworks <list>  express,fastify,koa (passport too, if asked)
  --warmup <n>         requests before counting starts, for the JIT to settle (20000)
  --requests <n>       requests counted (10000)
  --connections <n>    concurrent connections of the load generator (10)
  --out <file>         the Markdown report (results/instructions.md for reads,
                       results/instructions-<scenario>.md otherwise)`;
/**
 * sess first: its sessions' cookies serve bare and the floor too, as in the main bench. The
 * floor (one HGETALL) and sess with its read cache are a read's, so other scenarios leave them
 * out; the cached stack reads sessions created through it, as in the main bench.
 */
const MEASURED = ['sess', 'sess-cache', 'bare', FLOOR, 'peer'] as const satisfies readonly Kind[];
/** node under valgrind starts in seconds, not milliseconds. */
const START_TIMEOUT_MS = 180_000;

type Counts = Record<(typeof MEASURED)[number], number>;

/** What one framework's stacks counted, and what the cached stack's cache did meanwhile. */
interface FrameworkCounts {
  readonly counts: Partial<Counts>;
  cache?: CacheCounts;
}

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
  const readOnly: readonly Kind[] = [FLOOR, 'sess-cache'];
  const kinds = MEASURED.filter((kind) => scenario.id === 'read' || !readOnly.includes(kind));
  const frameworks = frameworkList('frameworks', values.frameworks);
  const warmup = positive('warmup', values.warmup);
  const requests = positive('requests', values.requests);
  const connections = positive('connections', values.connections);
  Callgrind.assertInstalled();

  const revision = sourceRevision(PACKAGE_DIR);
  const dumps = await mkdtemp(join(tmpdir(), 'sess-callgrind-'));
  const callgrind = new Callgrind(dumps);
  const redis = await startRedis({ env: false });
  const load = LoadGenerator.start();
  const counts = new Map<Framework, FrameworkCounts>();
  let redisServer = 'unknown';
  try {
    const counters = await RedisCounters.connect(redis.url);
    try {
      redisServer = await counters.serverVersion();
    } finally {
      await counters.close();
    }
    for (const framework of frameworks) {
      const measured: FrameworkCounts = { counts: {} };
      let sessCookies: string[] | undefined;
      for (const kind of kinds.filter((k) => kindsOf(framework).includes(k) || k === FLOOR)) {
        const server = await ServerProcess.start({ framework, kind }, redis.url, {
          wrapper: callgrind.wrapper(),
          startTimeout: START_TIMEOUT_MS,
        });
        try {
          let cookies: string[] = [];
          if (scenario.withSession) {
            const shared = kind !== 'peer' && kind !== 'sess-cache';
            cookies =
              (shared ? sessCookies : undefined) ?? (await createSessions(server.url, connections));
            if (shared) sessCookies = cookies;
          }
          const send = (amount: number) =>
            sendRequests(load, server.url, scenario, cookies, amount, connections);
          await send(warmup);
          let answered = requests;
          const cacheBefore = await server.cacheStats();
          const instructions = await callgrind.measure(server.pid as number, async () => {
            answered = await send(requests);
          });
          const cache = cacheDifference(cacheBefore, await server.cacheStats());
          if (cache !== undefined) measured.cache = cache;
          measured.counts[kind] = instructions / answered;
          log(
            `${stackName({ framework, kind }).padEnd(64)} ${Math.round(instructions / answered)} instructions per request (${scenario.id})` +
              (cache === undefined ? '' : `; cache: ${describeCache(cache)}`),
          );
        } finally {
          await server.stop();
        }
      }
      counts.set(framework, measured);
    }
  } finally {
    await load.stop();
    await redis.stop();
    await rm(dumps, { recursive: true, force: true });
  }

  const machine = describeMachine(redisServer);
  const command = rerunCommand('instructions', process.argv.slice(2));
  await writeFile(
    out,
    renderInstructions(counts, scenario, {
      command,
      revision,
      date: new Date().toISOString().slice(0, 10),
      setup: `${requests} requests (${scenario.title}) counted after ${warmup} unmeasured ones, ${connections} connections${scenario.withSession ? ', one session per connection' : ''}`,
      machine: `${machine.cpus} × ${machine.cpuModel}, Node.js ${machine.node}, redis-server ${machine.redisServer}, ${Callgrind.version()}`,
    }),
  );
  log(`wrote ${out}`);
}

async function sendRequests(
  load: LoadGenerator,
  url: string,
  scenario: Scenario,
  cookies: readonly string[],
  amount: number,
  connections: number,
): Promise<number> {
  const result = await load.run({
    url,
    connections,
    duration: 3_600,
    amount,
    requests: scenario.requests,
    cookies,
  });
  const path = scenario.requests.map((request) => request.path).join(', ');
  // Under valgrind a request can miss a 1 s deadline now and then (switching counting on makes
  // valgrind translate the JIT's code again), or the load generator's own timeout on a loaded
  // machine; a few such requests change no count that matters. Counts are per answer.
  const failed = result.non2xx + result.errors;
  if (result.requests + result.errors < amount || failed > amount / 100) {
    throw new Error(
      `${url} ${path}: ${result.requests} of ${amount} answered, ${result.non2xx} not 2xx, ${result.errors} errors`,
    );
  }
  if (failed > 0) log(`${url} ${path}: ${failed} of ${amount} requests failed`);
  return Math.max(1, Math.min(amount, result.requests));
}

interface Context {
  readonly command: string;
  readonly revision: string;
  readonly date: string;
  readonly setup: string;
  readonly machine: string;
}

/** A column "X ÷ Y" is Y's count over X's: fewer instructions, more requests per second. */
function renderInstructions(
  counts: ReadonlyMap<Framework, FrameworkCounts>,
  scenario: Scenario,
  context: Context,
): string {
  const k = (n: number | undefined) => (n === undefined ? '–' : `${(n / 1000).toFixed(1)}k`);
  const withFloor = scenario.id === 'read';
  const withCache = [...counts.values()].some(({ counts: c }) => c['sess-cache'] !== undefined);
  const columns: Array<[string, (c: Partial<Counts>) => string]> = withFloor
    ? [
        ['no sessions', (c) => k(c.bare)],
        ['floor', (c) => k(c.floor)],
        ['sess', (c) => k(c.sess)],
        ...(withCache
          ? ([['sess + cache', (c) => k(c['sess-cache'])]] as Array<
              [string, (c: Partial<Counts>) => string]
            >)
          : []),
        ['peer', (c) => k(c.peer)],
        ['floor ÷ no sessions', (c) => times(ratio(c.bare, c.floor))],
        ['sess ÷ no sessions', (c) => times(ratio(c.bare, c.sess))],
        ...(withCache
          ? ([
              ['sess + cache ÷ no sessions', (c) => times(ratio(c.bare, c['sess-cache']))],
              ['sess + cache ÷ sess', (c) => times(ratio(c.sess, c['sess-cache']))],
            ] as Array<[string, (c: Partial<Counts>) => string]>)
          : []),
        ['sess ÷ floor', (c) => times(ratio(c.floor, c.sess))],
        ['sess ÷ peer', (c) => times(ratio(c.peer, c.sess))],
      ]
    : [
        ['no sessions', (c) => k(c.bare)],
        ['sess', (c) => k(c.sess)],
        ['peer', (c) => k(c.peer)],
        ['sess ÷ no sessions', (c) => times(ratio(c.bare, c.sess))],
        ['sess ÷ peer', (c) => times(ratio(c.peer, c.sess))],
      ];
  const rows = [...counts].map(
    ([framework, { counts: c }]) =>
      `| ${frameworkName(framework)} | ${columns.map(([, cell]) => cell(c)).join(' | ')} |`,
  );
  const cacheLines = [...counts].flatMap(([framework, { cache }]) =>
    cache === undefined ? [] : [`- ${frameworkName(framework)}: ${describeCache(cache)}`],
  );
  return [
    `# Instructions per request: ${scenario.title}`,
    '',
    `Produced by \`${context.command}\` on ${context.date} at ${context.revision}. ${context.machine}.`,
    '',
    `Each server runs alone under valgrind's callgrind, which counts the instructions its process executes in user space (the JIT's and the garbage collector's threads included) while autocannon sends it ${context.setup}. A ratio is what the count would make of throughput (fewer instructions, more requests per second). It does not move with what else the machine runs, but it leaves out the kernel's work for the sockets (a system call per response, whatever the stack) and cache misses, and it cannot see that a server waiting on Redis handles more requests per turn of its event loop. So it is a second opinion next to the throughput of [../../RESULTS.md](../../RESULTS.md), not a replacement.${withFloor ? ' The floor is the framework with one `HGETALL` through node-redis per request and nothing else: no cookie, no signature, no session object.' : ''}`,
    ...(withCache
      ? [
          '',
          "sess + cache is sess with its port's local cache of session reads on at its defaults (`cache: true`), reading sessions created through it, so that every read after the first finds its session held until a touch changes it. What its cache did over the counted reads (`port.cacheStats()`; a loss of tracking would show as misses):",
          '',
          ...cacheLines,
        ]
      : []),
    '',
    `| Framework | ${columns.map(([name]) => name).join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
    ...rows,
    '',
    `Peers: ${[...counts.keys()].map((framework) => `${frameworkName(framework)}: ${peerName(framework)}`).join('; ')}.`,
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
