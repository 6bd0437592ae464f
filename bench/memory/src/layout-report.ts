export interface Commands {
  readonly sent: number;
  readonly executed: number;
}

export interface LayoutRun {
  readonly name: string;
  readonly note: string;
  /** `used_memory` growth per session while the index was written. */
  readonly indexBytes: number;
  /** Of the index's sorted sets (sampled), the share kept as listpacks. */
  readonly listpackShare: number;
  readonly count: Commands;
  /** A cleaner round's reads when nothing is due: what every tick costs. */
  readonly idleTick: Commands;
  /** A cleaner round's reads when 5 s of expiries are due. */
  readonly busyTick: Commands & { readonly due: number };
  readonly create: Commands;
  readonly touch: Commands;
  readonly remove: Commands;
}

export interface SizeRun {
  readonly sessions: number;
  /** `used_memory` growth per session for the session hashes alone (keys, TTLs, bookkeeping). */
  readonly hashAndKeyBytes: number;
  readonly layouts: readonly LayoutRun[];
}

/** connect-redis (express-session) in the last full run of bench/peers, same five attributes. */
const CONNECT_REDIS_BYTES = 341;

const both = (c: Commands) =>
  c.sent === c.executed ? `${fmt(c.sent)}` : `${fmt(c.sent)} / ${fmt(c.executed)}`;
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export function renderReport(
  runs: readonly SizeRun[],
  context: { readonly redisVersion: string; readonly argv: readonly string[] },
): string {
  const command = [
    'npm run layouts -w @sess/bench-memory',
    ...(context.argv.length > 0 ? ['--', ...context.argv] : []),
  ].join(' ');
  const lines = [
    '# Expiry index layouts: bytes and commands',
    '',
    `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}, redis-server ${context.redisVersion} at its default configuration (\`zset-max-listpack-entries 128\`).`,
    '',
    "For each number of sessions, a fresh redis-server gets that many session hashes exactly as a store at its defaults writes them for the bench's first write (five small attributes, times, TTL), with expiries spread over the next 30 minutes; then each index layout in turn is written for all of them, measured, and deleted. Bytes are `used_memory` growth per session. Commands are \"sent / executed\" (executed: Redis' `total_commands_processed`, commands inside scripts included; one figure when both are equal). A count must return every session (checked). A tick is one cleaner round's reads: with nothing due (what every tick costs, every 5 s on one instance), and with 5 s of expiries due. Create, touch and remove are one session's index calls, averaged over 100.",
    '',
    `The session total adds the hashes (their keys, TTLs and Redis' bookkeeping) to the index; connect-redis (express-session) measured ${CONNECT_REDIS_BYTES} bytes per session in the last full run of \`bench/peers\`.`,
    '',
  ];
  for (const run of runs) {
    lines.push(
      `## ${run.sessions.toLocaleString('en-US')} sessions`,
      '',
      `Session hashes with their keys: ${run.hashAndKeyBytes.toFixed(1)} bytes per session.`,
      '',
      '| Layout | index bytes per session | session total | listpack keys | count | tick, nothing due | tick, 5 s due | create | touch | remove |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...run.layouts.map(
        (layout) =>
          `| ${layout.name} | ${layout.indexBytes.toFixed(1)} | ${(run.hashAndKeyBytes + layout.indexBytes).toFixed(0)} | ${(layout.listpackShare * 100).toFixed(0)} % | ${both(layout.count)} | ${both(layout.idleTick)} | ${both(layout.busyTick)} (${layout.busyTick.due} due) | ${both(layout.create)} | ${both(layout.touch)} | ${both(layout.remove)} |`,
      ),
      '',
    );
  }
  const notes = new Map<string, string>();
  for (const run of runs)
    for (const layout of run.layouts) notes.set(layout.name.replace(/ \(.*\)$/, ''), layout.note);
  lines.push(
    '## What each layout gives up',
    '',
    ...[...notes].map(([name, note]) => `- **${name}**: ${note}.`),
    '',
  );
  return lines.join('\n');
}
