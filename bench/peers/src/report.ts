import { renderBaseline } from './baseline-bench.js';
import { describeCache } from './cache-counts.js';
import { renderInstructions } from './instructions-bench.js';
import { previousRunSection } from './previous-run-table.js';
import type { BenchResults } from './results.js';
import { SCENARIOS } from './scenarios.js';
import { SESS_KEYS } from './sess-keys.js';
import {
  FLOOR,
  type Framework,
  frameworkName,
  type Kind,
  kindLabel,
  kindsOf,
  peerName,
  stackName,
} from './stacks.js';
import {
  checkTargets,
  cpuRatio,
  HEAP_NOISE_BYTES,
  heapGrowth,
  mib,
  ratio,
  roundRatio,
  throughputRun,
  times,
} from './targets.js';

const MET = { true: 'yes', false: '**no**', undefined: 'not run' } as const;

/** RESULTS.md: the targets, every figure, the machine, the versions and how to reproduce. */
export function renderMarkdown(results: BenchResults, jsonPath: string): string {
  const frameworks = [...new Set(results.throughput.map((run) => run.stack.framework))];
  const lines: string[] = [];
  const minutes = (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 60_000;
  lines.push(
    '# sess next to the session stores people use today',
    '',
    `Produced by \`${results.command}\` (run from the repository root) on ${results.startedAt.slice(0, 10)}, in ${minutes.toFixed(0)} minutes. All figures below come from that one run; the raw numbers are in [\`${jsonPath}\`](${jsonPath}).`,
    '',
    `Each framework serves the same tiny app ${frameworks.some((framework) => kindsOf(framework).includes('sess-cache')) ? "four ways: without sessions, with sess, with sess and its port's local cache of session reads (`sess + cache`: Express, Fastify and Koa), and" : 'three ways: without sessions, with sess, and'} with the session library its users reach for today. Every server runs in its own Node.js process against one throwaway \`redis-server\`; load comes from autocannon in another process. ` +
      `${results.settings.cpus === undefined ? 'All processes share the CPUs.' : `Each server has CPU ${results.settings.cpus.server} to itself (\`taskset\`); autocannon, redis-server and the bench share CPU ${results.settings.cpus.others}, so a server's figure is what one core serves, as on an app instance in production, and the load generator does not take CPU from the server it measures.`} ` +
      `Each scenario runs ${results.settings.rounds} rounds of ${results.settings.duration} s with ${results.settings.connections} connections on each stack, interleaved (bare, sess, sess + cache, peer, then sess, sess + cache, peer, bare, ...) after ${results.settings.warmup} s of warm-up; the round with the median requests per second is shown, with the range of all rounds in brackets. ` +
      "A ratio of two stacks' requests per second (in the targets and the tables below) is the median of their rounds' ratios: the two runs of a round are seconds apart, so a few slow rounds of the machine move both; the ratio of the two median rounds, which such rounds can skew, is given next to each target. " +
      'Server CPU per request (user + system time of the server process over the responses it sent, median of the rounds) is shown too: it depends less than throughput on what else runs on the machine, but not only on the code: a server that waits on Redis serves more requests per turn of its event loop, each for less CPU, which is how a stack with a Redis call can cost less per request than the same framework without one (see the floors below).',
    '',
    '## Targets',
    '',
    '| Target | Measured | Met |',
    '|---|---|---|',
    ...checkTargets(results).map(
      (check) => `| ${check.target} | ${check.measured} | ${MET[`${check.met}`]} |`,
    ),
    '',
  );

  lines.push('## Requests per second and p99 latency', '');
  for (const framework of frameworks) lines.push(...throughputTable(results, framework));

  lines.push(...previousRunSection(results));

  lines.push(
    '## Redis commands per request',
    '',
    '"Sent" is what the request path sends to Redis, a script call counting as one command: counted with `MONITOR` over ' +
      `${results.settings.commandRequests} requests per stack and scenario, on the counted server's own connections only (every server of a framework runs while one is counted), and what no request causes left out: sess' background cleaner, and the read cache's tracking, set up once and checked once a second with a \`CLIENT TRACKINGINFO\` and a \`PING\` on its invalidation connection; the \`PING\` that follows each write with the cache on is counted. ` +
      '"Executed" is the growth of Redis\' own `total_commands_processed` per response during the throughput run: it also counts every command a script runs inside Redis, and the cleaner. ' +
      '"Redis CPU" is the growth of redis-server\'s `used_cpu_user` + `used_cpu_sys` per response over the same rounds (median of the rounds), what the other servers of the framework send meanwhile included: redis-server shares its CPU with the load generator here, so what a stack costs Redis slows the load that measures it.',
    '',
    '| Framework | Scenario | Stack | sent | what | executed | Redis CPU µs |',
    '|---|---|---|---:|---|---:|---:|',
  );
  for (const framework of frameworks) {
    for (const scenario of SCENARIOS) {
      for (const kind of kindsOf(framework).filter((k) => k !== 'bare')) {
        const count = results.commands.find(
          (entry) =>
            entry.stack.framework === framework &&
            entry.stack.kind === kind &&
            entry.scenario === scenario.id,
        );
        const run = throughputRun(results, framework, kind, scenario.id);
        const mix = count
          ? Object.entries(count.sentMix)
              .sort(([, a], [, b]) => b - a)
              .map(([name, perRequest]) => `${name} ${perRequest.toFixed(2)}`)
              .join(', ') || '–'
          : 'not run';
        lines.push(
          `| ${frameworkName(framework)} | ${scenario.id} | ${kindLabel(kind)} | ${count ? count.sentPerRequest.toFixed(3) : '–'} | ${mix} | ${run ? run.executedPerRequest.toFixed(2) : '–'} | ${run?.redisCpuPerRequest?.toFixed(1) ?? '–'} |`,
        );
      }
    }
  }
  lines.push('');

  if (results.lostUpdates.length > 0) {
    lines.push(
      '## Lost updates',
      '',
      '50 requests start at once on one session, each setting a different attribute; then the session is read back. Each trial uses a fresh session.',
      '',
      '| Stack | attributes kept of 50, per trial |',
      '|---|---|',
      ...results.lostUpdates.map((run) => `| ${stackName(run.stack)} | ${run.kept.join(', ')} |`),
      '',
    );
  }

  if (results.memory.length > 0) {
    const reference = results.memory.find(
      (run) => run.stack.kind === 'peer' && run.stack.framework === 'express',
    );
    lines.push(
      '## Redis memory per session',
      '',
      `Growth of \`used_memory\` while ${results.memory[0]?.sessions.toLocaleString('en-US')} sessions with the same five small attributes (${'`user`, `role`, `locale`, `theme`, `visits`'}) are created through each app (POST /setup), each store on a fresh redis-server. "Parts" come from \`MEMORY USAGE\` (sampled keys with their key names; the index and the stream whole) and leave out Redis' per-key bookkeeping (the expires dictionary, hash table buckets). These sessions are anonymous (nobody signed in): at its defaults sess writes no event for their creation (it records sign-ins and the ends of sessions), so its event stream stays empty here; the second sess row writes one \`created\` entry per session (\`eventStream: { anonymousCreated: true }\`), into a stream capped at about 100,000 entries (\`MAXLEN ~\`), which with a million sessions would hold the same 100,000.`,
      '',
      '| Store | bytes per session | ÷ connect-redis (express-session) | parts (bytes per session) |',
      '|---|---:|---:|---|',
      ...results.memory.map(
        (run) =>
          `| ${run.label}${run.failedRequests > 0 ? ` (${run.sessions.toLocaleString('en-US')} sessions; ${run.failedRequests} requests failed)` : ''} | ${run.bytesPerSession.toFixed(0)} | ${times(ratio(run.bytesPerSession, reference?.bytesPerSession))} | ${Object.entries(
            run.parts,
          )
            .map(([name, bytes]) => `${name} ${bytes.toFixed(0)}`)
            .join(', ')} |`,
      ),
      '',
    );
    const index = indexShare(results);
    if (index !== undefined) {
      lines.push(
        `The index layout's share: sess' expiry index (${SESS_KEYS.bucketCount} sorted sets, \`${SESS_KEYS.buckets[0]}\` to \`${SESS_KEYS.buckets[SESS_KEYS.bucketCount - 1]}\`, each session's id and deadline in one of them, which let the cleaner find expired sessions and count them without \`SCAN\`) takes **${index.bytes.toFixed(0)} bytes per session**, ${(100 * index.share).toFixed(0)}% of sess' ${index.of.toFixed(0)}.`,
        '',
      );
    }
  }

  if (results.heap.length > 0) {
    lines.push(
      '## Node heap over a long run',
      '',
      `Reads, writes and anonymous requests with one sign-in in ten, on the sess stacks; \`heapUsed\` after full garbage collections (\`--expose-gc\`) once warmed up, then after every tenth of the run. "No growth" means the second half adds less than ${mib(HEAP_NOISE_BYTES).slice(1)}.`,
      '',
      '| Stack | requests | seconds | heap at start | middle | end | second half | whole run |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...results.heap.map((run) => {
        const samples = run.samples;
        const at = (index: number) =>
          `${((samples[index]?.heapUsed ?? 0) / 2 ** 20).toFixed(2)} MiB`;
        const growth = heapGrowth(run);
        return `| ${stackName(run.stack)} | ${run.requests.toLocaleString('en-US')}${run.errors > 0 ? ` (${run.errors} failed)` : ''} | ${run.seconds.toFixed(0)} | ${at(0)} | ${at(Math.floor((samples.length - 1) / 2))} | ${at(samples.length - 1)} | ${mib(growth.secondHalf)} | ${mib(growth.whole)} |`;
      }),
      '',
      'Every sample: ' +
        results.heap
          .map(
            (run) =>
              `${frameworkName(run.stack.framework)}: ${run.samples.map((sample) => (sample.heapUsed / 2 ** 20).toFixed(2)).join(', ')} MiB`,
          )
          .join('; ') +
        '.',
      '',
    );
  }

  if (results.baseline !== undefined) {
    lines.push(
      `## sess against sess at ${results.baseline.commit.slice(0, 7)}`,
      '',
      ...renderBaseline(results.baseline),
    );
  }

  if (results.instructions !== undefined) {
    lines.push(
      '## Instructions per read',
      '',
      ...renderInstructions(results.instructions, 'the tables above'),
    );
  }

  lines.push(
    '## How each stack is configured',
    '',
    ...configurationNotes(frameworks),
    '',
    '## Machine and versions',
    '',
    `- ${results.machine.cpus} CPUs (\`nproc\`): ${results.machine.cpuModel}; ${results.machine.memoryGiB} GiB RAM; ${results.machine.os}`,
    `- Node.js ${results.machine.node}, redis-server ${results.machine.redisServer}`,
    `- sess at ${results.revision}`,
    ...Object.entries(results.versions).map(([name, version]) => `- ${name} ${version}`),
    '- connect-redis 9 is the newest release that runs on Node.js 20 (connect-redis 10 requires Node.js 22), so it is the one measured here.',
    "- The absolute figures are this machine's; the ratios are what carries over.",
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm ci',
    results.command,
    '```',
    '',
    '`-- --help` lists the options (shorter runs, a subset of frameworks, CPU profiles of the servers with `--cpu-prof <dir>`).',
    '',
  );
  return lines.join('\n');
}

/** One framework's throughput table, its floor and what its read cache did. */
function throughputTable(results: BenchResults, framework: Framework): string[] {
  const kinds = kindsOf(framework);
  const cached = kinds.includes('sess-cache');
  const header = [
    'Scenario',
    ...kinds.map(kindLabel),
    'sess ÷ no sessions',
    ...(cached ? ['sess + cache ÷ no sessions'] : []),
    'sess ÷ peer',
    ...(cached ? ['sess + cache ÷ peer'] : []),
    `server CPU µs per request: ${kinds.map(kindLabel).join(' / ')}`,
    'sess ÷ peer by CPU',
    ...(cached ? ['sess + cache ÷ peer by CPU'] : []),
  ];
  const lines = [
    `### ${frameworkName(framework)} (peer: ${peerName(framework)})`,
    '',
    `| ${header.join(' | ')} |`,
    `|---|${header
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  ];
  for (const scenario of SCENARIOS) {
    const cells = kinds.map((kind) => {
      const run = throughputRun(results, framework, kind, scenario.id);
      if (run === undefined) return 'not run';
      const failures = run.rounds.reduce((sum, round) => sum + round.non2xx + round.errors, 0);
      const each = run.rounds.map((round) => round.requestsPerSecond);
      const spread =
        each.length > 1 ? ` (${Math.min(...each).toFixed(0)}–${Math.max(...each).toFixed(0)})` : '';
      return `${run.load.requestsPerSecond.toFixed(0)} req/s${spread}, p99 ${run.load.latencyP99} ms${failures > 0 ? `, ${failures} failed` : ''}`;
    });
    const cpu = kinds.map((kind) => {
      const run = throughputRun(results, framework, kind, scenario.id);
      return run === undefined ? '–' : run.serverCpuPerRequest.toFixed(0);
    });
    const versus = (kind: Kind, other: Kind) =>
      times(roundRatio(results, framework, kind, other, scenario.id));
    const row = [
      scenario.title,
      ...cells,
      versus('sess', 'bare'),
      ...(cached ? [versus('sess-cache', 'bare')] : []),
      versus('sess', 'peer'),
      ...(cached ? [versus('sess-cache', 'peer')] : []),
      cpu.join(' / '),
      times(cpuRatio(results, framework, 'sess', 'peer', scenario.id)),
      ...(cached ? [times(cpuRatio(results, framework, 'sess-cache', 'peer', scenario.id))] : []),
    ];
    lines.push(`| ${row.join(' | ')} |`);
  }
  const floor = throughputRun(results, framework, FLOOR, 'read');
  const readRatio = (a: Kind, b: Kind) => roundRatio(results, framework, a, b, 'read');
  if (floor !== undefined) {
    const floorRate = floor.load.requestsPerSecond;
    lines.push(
      '',
      `The floor of a read, in the same rounds: ${frameworkName(framework)} with one \`HGETALL\` through node-redis per request and nothing else (no cookie, no signature, no session object): ` +
        `${floorRate.toFixed(0)} req/s, p99 ${floor.load.latencyP99} ms, ${floor.serverCpuPerRequest.toFixed(0)} µs CPU per request; ` +
        `${times(readRatio(FLOOR, 'bare'))} no sessions. sess reads at ${times(readRatio('sess', FLOOR))} the floor` +
        (cached
          ? `; with its read cache, which answers most reads without the round trip the floor makes, at ${times(readRatio('sess-cache', FLOOR))}.`
          : '.'),
    );
  }
  const cacheLines = SCENARIOS.flatMap((scenario) => {
    const cache = throughputRun(results, framework, 'sess-cache', scenario.id)?.cache;
    return cache === undefined || cache.hits + cache.misses === 0
      ? []
      : [`- ${scenario.title}: ${describeCache(cache)}`];
  });
  if (cacheLines.length > 0) {
    lines.push(
      '',
      "What sess' read cache did over the measured rounds (`port.cacheStats()`; a read that shares the reply of the same read already on its way counts as a hit). Each connection reads a session created through the cached stack, so each session's requests reach the one instance that holds it:",
      '',
      ...cacheLines,
    );
  }
  lines.push('');
  return lines;
}

/** sess' expiry index per session, at the store's defaults, and its share of sess' bytes. */
function indexShare(
  results: BenchResults,
): { bytes: number; of: number; share: number } | undefined {
  const sess = results.memory.find((run) => run.stack.kind === 'sess' && !run.options);
  const bytes = sess?.parts['expiry index'];
  if (sess === undefined || bytes === undefined || sess.bytesPerSession <= 0) return undefined;
  return { bytes, of: sess.bytesPerSession, share: bytes / sess.bytesPerSession };
}

function configurationNotes(frameworks: readonly Framework[]): string[] {
  const notes = [
    '- Every app: `NODE_ENV=production`, the same routes and JSON bodies, cookies `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` only on HTTPS (the bench speaks HTTP), signed with a secret.',
    "- **sess**: `createSessionStore({ port })` on `createNodeRedisPort({ url })` with every default (touchInterval 60 s, idle timeout 30 min, the cleaner on, the event stream on), `secrets: [secret]`, as the adapters' READMEs show it. Sign-in is `session.signIn(user)` (a new id, the principal recorded and indexed).",
  ];
  if (frameworks.some((framework) => kindsOf(framework).includes('sess-cache'))) {
    notes.push(
      "- **sess + cache** (Express, Fastify, Koa): the same app on `createNodeRedisPort({ url, cache: true })`, the port's local cache of session reads at its defaults (10,000 sessions, 16 MiB, a tracking check every second). Its read and write runs use sessions created through it, so every request of a session reaches the one instance that holds it (sticky sessions); each of its writes is followed by a `PING` (the fence that orders its invalidations).",
    );
  }
  if (frameworks.includes('express')) {
    notes.push(
      "- **express-session + connect-redis**: connect-redis' README setup: `new RedisStore({ client })` on a node-redis client, `resave: false`, `saveUninitialized: false`, a secret; `rolling` at its default (false). Sign-in is the README's `req.session.regenerate()` then `req.session.user = …`.",
    );
  }
  if (frameworks.includes('fastify')) {
    notes.push(
      "- **@fastify/session + @fastify/cookie + connect-redis**: `saveUninitialized: false`, the store connect-redis on a node-redis client, other options at their defaults (`rolling: true`). Sign-in is `await request.session.regenerate()` then `request.session.set('user', …)`.",
    );
  }
  if (frameworks.includes('passport')) {
    notes.push(
      '- **Express + Passport** (passport 0.7): `passport.session()` on every request and `req.login(user, cb)` as the sign-in (what `passport.authenticate` calls once a strategy has verified the password), the same routes on both. On sess: `@sess/express` with `principalFrom: passportPrincipal()`, so a login is one sess sign-in (its `regenerate` and `save` fold into one move with the principal recorded). On express-session + connect-redis as above: a login destroys the old session and saves a new one.',
    );
  }
  if (frameworks.includes('koa')) {
    notes.push(
      "- **koa-session + koa-redis**: `session({ store: redisStore({ url }), sameSite: 'lax' }, app)` with `app.keys = [secret]`; koa-session's defaults otherwise (signed cookies, `maxAge` one day, `rolling: false`, `renew: false`). Sign-in is `await ctx.session.regenerate()` then `ctx.session.user = …`.",
    );
  }
  return notes;
}
