import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis } from '@sess/testkit';
import { type IndexLayout, LAYOUTS } from './index-layouts.js';
import { type LayoutRun, renderReport, type SizeRun } from './layout-report.js';
import { type Command, RedisProbe } from './redis-probe.js';
import { type Entry, makeEntries, writeSessions } from './session-writer.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `npm run layouts -w @sess/bench-memory [-- options]
  --sessions <list>  numbers of sessions, each on a fresh redis-server (10000,100000,1000000)
  --out <file>       the Markdown report (results/index-layouts.md; the JSON next to it)`;

/** Operations measured one by one for the per-operation counts. */
const SAMPLE = 100;
/** Seconds of expiries a busy cleaner tick finds due. */
const DUE_SECONDS = 5;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      sessions: { type: 'string', default: '10000,100000,1000000' },
      out: { type: 'string', default: join(PACKAGE_DIR, 'results', 'index-layouts.md') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const sizes = values.sessions.split(',').map((text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1_000) {
      throw new Error(`--sessions: ${text} is not a whole number of at least 1000`);
    }
    return value;
  });
  const runs: SizeRun[] = [];
  let redisVersion = 'unknown';
  for (const sessions of sizes) {
    const redis = await startRedis({ env: false });
    const probe = await RedisProbe.connect(redis.url);
    try {
      redisVersion =
        /redis_version:(\S+)/.exec(String(await probe.send(['INFO', 'server'])))?.[1] ??
        redisVersion;
      const now = Date.now();
      const entries = makeEntries(sessions, now);
      const empty = await probe.usedMemory();
      await writeSessions(probe, entries, now);
      const hashes = (await probe.usedMemory()) - empty;
      const layouts: LayoutRun[] = [];
      const shapes = new Set<string>();
      for (const factory of LAYOUTS) {
        const layout = await factory.build(probe, sessions);
        // A layout sized for 1M is the one sized for the sessions at 1M: measured once.
        if (shapes.has(layout.shape)) continue;
        shapes.add(layout.shape);
        layouts.push(await measureLayout(probe, layout, entries, now));
        log(
          `${sessions} sessions, ${layout.name}: ${layouts.at(-1)?.indexBytes.toFixed(1)} index bytes per session`,
        );
      }
      runs.push({ sessions, hashAndKeyBytes: hashes / sessions, layouts });
    } finally {
      await probe.close();
      await redis.stop();
    }
  }
  await mkdir(dirname(values.out), { recursive: true });
  const json = values.out.replace(/\.md$/, '.json');
  await writeFile(json, `${JSON.stringify({ redisVersion, runs }, null, 2)}\n`);
  await writeFile(values.out, renderReport(runs, { redisVersion, argv: process.argv.slice(2) }));
  log(`wrote ${values.out} and ${json}`);
}

async function measureLayout(
  probe: RedisProbe,
  layout: IndexLayout,
  entries: readonly Entry[],
  now: number,
): Promise<LayoutRun> {
  const before = await probe.usedMemory();
  await probe.load(entriesCommands(entries, (entry) => layout.create(entry)));
  const indexBytes = ((await probe.usedMemory()) - before) / entries.length;
  const listpack = await listpackShare(probe, layout.keys());

  const count = await probe.counted(() => layout.count(now));
  if (count.result !== entries.length) {
    throw new Error(`${layout.name}: counted ${count.result} of ${entries.length}`);
  }
  const idleTick = await probe.counted(() => layout.due(now));
  if (idleTick.result.length !== 0) throw new Error(`${layout.name}: due before any expiry`);
  const busyTick = await probe.counted(() => layout.due(now + DUE_SECONDS * 1000));

  const fresh = Array.from({ length: SAMPLE }, (_, i) => ({
    id: `${'A'.repeat(20)}${String(i).padStart(22, '0')}A`,
    expiresAt: now + 60_000 + i,
  }));
  const existing = entries.slice(0, SAMPLE);
  const create = await perOperation(probe, fresh, (entry) => layout.create(entry));
  const touch = await perOperation(probe, existing, (entry) =>
    layout.touch(entry, entry.expiresAt + 60_000),
  );
  const remove = await perOperation(probe, fresh, (entry) => layout.remove(entry));

  const keys = layout.keys();
  for (let i = 0; i < keys.length; i += 1_000)
    await probe.send(['DEL', ...keys.slice(i, i + 1_000)]);
  return {
    name: layout.name,
    note: layout.note,
    indexBytes,
    listpackShare: listpack,
    count: { sent: count.sent, executed: count.executed },
    idleTick: { sent: idleTick.sent, executed: idleTick.executed },
    busyTick: { sent: busyTick.sent, executed: busyTick.executed, due: busyTick.result.length },
    create,
    touch,
    remove,
  };
}

function* entriesCommands(
  entries: readonly Entry[],
  commands: (entry: Entry) => Command[],
): Generator<Command> {
  for (const entry of entries) yield* commands(entry);
}

/** Commands sent and executed per operation, each operation its own round trip. */
async function perOperation(
  probe: RedisProbe,
  entries: readonly Entry[],
  commands: (entry: Entry) => Command[],
): Promise<{ sent: number; executed: number }> {
  const counted = await probe.counted(async () => {
    for (const entry of entries) await probe.run(commands(entry));
  });
  return { sent: counted.sent / entries.length, executed: counted.executed / entries.length };
}

/** Of the layout's sorted sets (up to 200 sampled), the share Redis keeps as listpacks. */
async function listpackShare(probe: RedisProbe, keys: readonly string[]): Promise<number> {
  const step = Math.max(1, Math.floor(keys.length / 200));
  let sets = 0;
  let listpacks = 0;
  for (let i = 0; i < keys.length; i += step) {
    const encoding = await probe.send(['OBJECT', 'ENCODING', keys[i] as string]);
    if (encoding === 'listpack') listpacks++;
    if (encoding === 'listpack' || encoding === 'skiplist') sets++;
  }
  return sets === 0 ? 0 : listpacks / sets;
}

function log(line: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
