import type { BenchResults } from './results.js';
import { SCENARIOS } from './scenarios.js';
import { type Framework, frameworkName, KINDS, peerName, stackName } from './stacks.js';
import {
  checkTargets,
  cpuRatio,
  HEAP_NOISE_BYTES,
  heapGrowth,
  mib,
  ratio,
  requestsPerSecond,
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
    'Each framework serves the same tiny app three ways: without sessions, with sess, and with the session library its users reach for today. Every server runs in its own Node.js process against one throwaway `redis-server`; load comes from autocannon in another process. ' +
      `${results.settings.cpus === undefined ? 'All processes share the CPUs.' : `Each server has CPU ${results.settings.cpus.server} to itself (\`taskset\`); autocannon, redis-server and the bench share CPU ${results.settings.cpus.others}, so a server's figure is what one core serves, as on an app instance in production, and the load generator does not take CPU from the server it measures.`} ` +
      `Each scenario runs ${results.settings.rounds} rounds of ${results.settings.duration} s with ${results.settings.connections} connections on each stack, interleaved (bare, sess, peer, then sess, peer, bare, ...) after ${results.settings.warmup} s of warm-up; the round with the median requests per second is shown, with the range of all rounds in brackets. ` +
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
  for (const framework of frameworks) {
    lines.push(
      `### ${frameworkName(framework)} (peer: ${peerName(framework)})`,
      '',
      '| Scenario | no sessions | sess | peer | sess ÷ no sessions | sess ÷ peer | server CPU µs per request: none / sess / peer | sess ÷ peer by CPU |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const scenario of SCENARIOS) {
      const cells = KINDS.map((kind) => {
        const run = results.throughput.find(
          (entry) =>
            entry.stack.framework === framework &&
            entry.stack.kind === kind &&
            entry.scenario === scenario.id,
        );
        if (run === undefined) return 'not run';
        const failures = run.rounds.reduce((sum, round) => sum + round.non2xx + round.errors, 0);
        const each = run.rounds.map((round) => round.requestsPerSecond);
        const spread =
          each.length > 1
            ? ` (${Math.min(...each).toFixed(0)}–${Math.max(...each).toFixed(0)})`
            : '';
        return `${run.load.requestsPerSecond.toFixed(0)} req/s${spread}, p99 ${run.load.latencyP99} ms${failures > 0 ? `, ${failures} failed` : ''}`;
      });
      const sess = requestsPerSecond(results, framework, 'sess', scenario.id);
      const cpu = KINDS.map((kind) => {
        const run = results.throughput.find(
          (entry) =>
            entry.stack.framework === framework &&
            entry.stack.kind === kind &&
            entry.scenario === scenario.id,
        );
        return run === undefined ? '–' : run.serverCpuPerRequest.toFixed(0);
      });
      lines.push(
        `| ${scenario.title} | ${cells.join(' | ')} | ${times(ratio(sess, requestsPerSecond(results, framework, 'bare', scenario.id)))} | ${times(ratio(sess, requestsPerSecond(results, framework, 'peer', scenario.id)))} | ${cpu.join(' / ')} | ${times(cpuRatio(results, framework, 'sess', 'peer', scenario.id))} |`,
      );
    }
    const floor = results.throughput.find(
      (entry) =>
        entry.stack.framework === framework &&
        entry.stack.kind === 'floor' &&
        entry.scenario === 'read',
    );
    if (floor !== undefined) {
      const floorRate = floor.load.requestsPerSecond;
      lines.push(
        '',
        `The floor of a read, in the same rounds: ${frameworkName(framework)} with one \`HGETALL\` through node-redis per request and nothing else (no cookie, no signature, no session object): ` +
          `${floorRate.toFixed(0)} req/s, p99 ${floor.load.latencyP99} ms, ${floor.serverCpuPerRequest.toFixed(0)} µs CPU per request; ` +
          `${times(ratio(floorRate, requestsPerSecond(results, framework, 'bare', 'read')))} no sessions. sess reads at ${times(ratio(requestsPerSecond(results, framework, 'sess', 'read'), floorRate))} the floor.`,
      );
    }
    lines.push('');
  }

  lines.push(
    '## Redis commands per request',
    '',
    '"Sent" is what the request path sends to Redis, a script call counting as one command: counted with `MONITOR` over ' +
      `${results.settings.commandRequests} requests per stack and scenario (sess' background cleaner, which runs whatever the traffic, left out). ` +
      '"Executed" is the growth of Redis\' own `total_commands_processed` per response during the throughput run: it also counts every command a script runs inside Redis, and the cleaner.',
    '',
    '| Framework | Scenario | sess: sent | sess: what | sess: executed | peer: sent | peer: what | peer: executed |',
    '|---|---|---:|---|---:|---:|---|---:|',
  );
  for (const framework of frameworks) {
    for (const scenario of SCENARIOS) {
      const cells = (['sess', 'peer'] as const).map((kind) => {
        const count = results.commands.find(
          (entry) =>
            entry.stack.framework === framework &&
            entry.stack.kind === kind &&
            entry.scenario === scenario.id,
        );
        const run = results.throughput.find(
          (entry) =>
            entry.stack.framework === framework &&
            entry.stack.kind === kind &&
            entry.scenario === scenario.id,
        );
        const mix = count
          ? Object.entries(count.sentMix)
              .sort(([, a], [, b]) => b - a)
              .map(([name, perRequest]) => `${name} ${perRequest.toFixed(2)}`)
              .join(', ') || '–'
          : 'not run';
        return `${count ? count.sentPerRequest.toFixed(3) : '–'} | ${mix} | ${run ? run.executedPerRequest.toFixed(2) : '–'}`;
      });
      lines.push(`| ${frameworkName(framework)} | ${scenario.id} | ${cells.join(' | ')} |`);
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

/** A ratio as the reports print it (`–` when there is none). */
export function times(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(2)}×`;
}

function configurationNotes(frameworks: readonly Framework[]): string[] {
  const notes = [
    '- Every app: `NODE_ENV=production`, the same routes and JSON bodies, cookies `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` only on HTTPS (the bench speaks HTTP), signed with a secret.',
    "- **sess**: `createSessionStore({ port })` on `createNodeRedisPort({ url })` with every default (touchInterval 60 s, idle timeout 30 min, the cleaner on, the event stream on), `secrets: [secret]`, as the adapters' READMEs show it. Sign-in is `session.signIn(user)` (a new id, the principal recorded and indexed).",
  ];
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
