import { KeyLayout } from '@sess/core/internal';
import type { Command, RedisProbe } from './redis-probe.js';
import { type Entry, IDLE_TIMEOUT } from './session-writer.js';

/** Due ids a cleaner round reads per bucket (sess' `cleaner.batchSize` default). */
const BATCH = 500;

/**
 * One way to index sessions by expiry: what a create, a touch and a removal send, and how a
 * count and a cleaner tick read it. Each layout runs against a real redis-server, so what it
 * costs in bytes and in commands (sent, and executed by Redis, script bodies included) is
 * measured, not estimated.
 */
export interface IndexLayout {
  readonly name: string;
  /** What a store using it would give up or pay, for the report. */
  readonly note: string;
  /** Two layouts of the same shape are the same keys (one sized for 1M, measured at 1M). */
  readonly shape: string;
  /** Calls a new session's index entry needs. */
  create(entry: Entry): Command[];
  /** Calls an extension of a session's expiry needs. */
  touch(entry: Entry, expiresAt: number): Command[];
  /** Calls the removal of a session's entry needs (a sign-out, or the cleaner). */
  remove(entry: Entry): Command[];
  /** The exact number of entries whose expiry is after `now`. */
  count(now: number): Promise<number>;
  /** One cleaner round's reads: the due ids, up to a batch per bucket. */
  due(now: number): Promise<string[]>;
  /** Every key the layout may have written (to sample encodings and to clean up). */
  keys(): string[];
}

export interface LayoutFactory {
  readonly name: string;
  /** Builds the layout for an expected number of sessions (some size themselves by it). */
  build(probe: RedisProbe, sessions: number): Promise<IndexLayout>;
}

/** A bucket by FNV-1a of the id, as `KeyLayout.bucketOf` does; `salt` picks other bits. */
function fnv(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const sum = (replies: readonly unknown[]) => replies.reduce<number>((s, r) => s + Number(r), 0);

/**
 * Flat buckets: `buckets` sorted sets, member = id (or what `member` makes of it), score =
 * expiry. sess today is this with 16 buckets; with enough buckets each stays small enough for
 * Redis to keep it as a listpack (`zset-max-listpack-entries`, 128 by default).
 */
function flatBuckets(options: {
  name: string;
  note: string;
  buckets: (sessions: number) => number;
  member?: (id: string) => string;
}): LayoutFactory {
  return {
    name: options.name,
    async build(probe, sessions) {
      const layout = new KeyLayout('sess', options.buckets(sessions));
      const member = options.member ?? ((id: string) => id);
      const bucket = (entry: Entry) => layout.bucketOf(entry.id);
      return {
        name: `${options.name} (${layout.bucketCount} buckets)`,
        note: options.note,
        shape: `flat ${layout.bucketCount} ${options.member === undefined ? 'ids' : 'short'}`,
        create: (entry) => [['ZADD', bucket(entry), entry.expiresAt, member(entry.id)]],
        touch: (entry, expiresAt) => [['ZADD', bucket(entry), 'XX', expiresAt, member(entry.id)]],
        remove: (entry) => [['ZREM', bucket(entry), member(entry.id)]],
        async count(now) {
          return sum(await probe.run(layout.buckets.map((b) => ['ZCOUNT', b, `(${now}`, '+inf'])));
        },
        async due(now) {
          const replies = await probe.run(
            layout.buckets.map((b) => ['ZRANGEBYSCORE', b, '-inf', now, 'LIMIT', 0, BATCH]),
          );
          return replies.flatMap((reply) => (Array.isArray(reply) ? reply.map(String) : []));
        },
        keys: () => [...layout.buckets],
      };
    },
  };
}

/** Keeps sub-bucket numbers out of the way of the head's other members. */
const TWO_LEVEL_CREATE = `if redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('INCR', KEYS[3])
end
redis.call('ZADD', KEYS[2], 'LT', ARGV[1], ARGV[3])`;

const TWO_LEVEL_REMOVE = `if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('DECR', KEYS[2]) end`;

/** Live entries of one shard: its counter less the due entries of the sub-buckets the head says may hold some. */
const TWO_LEVEL_COUNT = `local n = tonumber(redis.call('GET', KEYS[2]) or '0')
for _, j in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])) do
  n = n - redis.call('ZCOUNT', ARGV[2] .. j, '-inf', ARGV[1])
end
return n`;

const TWO_LEVEL_DUE = `local ids = {}
for _, j in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', ARGV[2] .. j, '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
    ids[#ids + 1] = id
  end
  if #ids >= tonumber(ARGV[3]) then break end
end
return ids`;

/**
 * Two levels: 16 shards (one hash tag each, so the Cluster spread of today's buckets), each
 * with `sub` small sub-buckets in its own slot, a head sorted set of each sub-bucket's lowest
 * expiry (a lower bound: a touch does not raise it) and a counter of the shard's entries. A
 * create is a script on the shard's slot; a count reads 16 counters less what is due and not
 * yet removed; a tick reads the heads, then only the due sub-buckets.
 */
function twoLevel(
  name: string,
  note: string,
  sizedFor: (sessions: number) => number,
): LayoutFactory {
  return {
    name,
    async build(probe, sessions) {
      const shards = 16;
      const sub = Math.max(1, Math.ceil(sizedFor(sessions) / shards / 90));
      const head = (s: number) => `sess:x:{${s}}`;
      const counter = (s: number) => `sess:x:{${s}}:n`;
      const subKey = (s: number, j: number) => `sess:x:{${s}}:${j}`;
      const place = (id: string) => {
        const hash = fnv(id);
        return { s: hash % shards, j: Math.floor(hash / shards) % sub };
      };
      const create = await probe.script(TWO_LEVEL_CREATE);
      const remove = await probe.script(TWO_LEVEL_REMOVE);
      const count = await probe.script(TWO_LEVEL_COUNT);
      const due = await probe.script(TWO_LEVEL_DUE);
      const range = Array.from({ length: shards }, (_, s) => s);
      return {
        name: `${name} (16 × ${sub} sub-buckets)`,
        note,
        shape: `two levels ${sub}`,
        create: (entry) => {
          const { s, j } = place(entry.id);
          return [create([subKey(s, j), head(s), counter(s)], [entry.expiresAt, entry.id, j])];
        },
        touch: (entry, expiresAt) => {
          const { s, j } = place(entry.id);
          return [['ZADD', subKey(s, j), 'XX', expiresAt, entry.id]];
        },
        remove: (entry) => {
          const { s, j } = place(entry.id);
          return [remove([subKey(s, j), counter(s)], [entry.id])];
        },
        async count(now) {
          return sum(
            await probe.run(
              range.map((s) => count([head(s), counter(s)], [now, `sess:x:{${s}}:`])),
            ),
          );
        },
        async due(now) {
          const replies = await probe.run(
            range.map((s) => due([head(s)], [now, `sess:x:{${s}}:`, BATCH])),
          );
          return replies.flatMap((reply) => (Array.isArray(reply) ? reply.map(String) : []));
        },
        keys: () =>
          range.flatMap((s) => [
            head(s),
            counter(s),
            ...Array.from({ length: sub }, (_, j) => subKey(s, j)),
          ]),
      };
    },
  };
}

const WINDOW_CREATE = `redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[3])`;

const WINDOW_TOUCH = `redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[3])`;

/** Live entries of one shard: the window `now` falls in, counted, and every later one whole. */
const WINDOW_COUNT = `local n = 0
local first = tonumber(ARGV[3])
for w = first, tonumber(ARGV[4]) do
  if w == first then n = n + redis.call('ZCOUNT', ARGV[2] .. w, '(' .. ARGV[1], '+inf')
  else n = n + redis.call('ZCARD', ARGV[2] .. w) end
end
return n`;

const WINDOW_DUE = `local ids = {}
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[3], 'LIMIT', 0, ARGV[4])) do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', ARGV[2] .. w, '-inf', ARGV[1], 'LIMIT', 0, ARGV[4])) do
    ids[#ids + 1] = id
  end
  if #ids >= tonumber(ARGV[4]) then break end
end
return ids`;

/**
 * Time windows: 16 shards, each with one sorted set per minute of expiry and a head of the
 * windows that exist. Windows stay small only while few sessions expire per minute and shard;
 * a touch moves the entry to a later window (a script on the shard's slot).
 */
function timeWindows(name: string, windowMs: number): LayoutFactory {
  return {
    name,
    async build(probe) {
      const shards = 16;
      const head = (s: number) => `sess:x:{${s}}`;
      const windowOf = (expiresAt: number) => Math.floor(expiresAt / windowMs);
      const windowKey = (s: number, w: number) => `sess:x:{${s}}:${w}`;
      const shardOf = (id: string) => fnv(id) % shards;
      const written = new Set<string>();
      const create = await probe.script(WINDOW_CREATE);
      const touch = await probe.script(WINDOW_TOUCH);
      const count = await probe.script(WINDOW_COUNT);
      const due = await probe.script(WINDOW_DUE);
      const range = Array.from({ length: shards }, (_, s) => s);
      const keyOf = (entry: Entry) => {
        const key = windowKey(shardOf(entry.id), windowOf(entry.expiresAt));
        written.add(key);
        return key;
      };
      return {
        name: `${name} (16 shards × one window per ${windowMs / 60_000} min)`,
        shape: `windows ${windowMs}`,
        note: 'a touch that crosses a window is a script of three writes; a count reads every window up to the longest idle timeout',
        create: (entry) => {
          const s = shardOf(entry.id);
          return [
            create([keyOf(entry), head(s)], [entry.expiresAt, entry.id, windowOf(entry.expiresAt)]),
          ];
        },
        touch: (entry, expiresAt) => {
          const s = shardOf(entry.id);
          const next = { id: entry.id, expiresAt };
          return [
            touch([keyOf(entry), keyOf(next), head(s)], [expiresAt, entry.id, windowOf(expiresAt)]),
          ];
        },
        remove: (entry) => [['ZREM', keyOf(entry), entry.id]],
        async count(now) {
          // Windows up to the furthest expiry a touch can set: now + the idle timeout.
          const last = windowOf(now + IDLE_TIMEOUT);
          return sum(
            await probe.run(
              range.map((s) => count([head(s)], [now, `sess:x:{${s}}:`, windowOf(now), last])),
            ),
          );
        },
        async due(now) {
          const replies = await probe.run(
            range.map((s) => due([head(s)], [now, `sess:x:{${s}}:`, windowOf(now), BATCH])),
          );
          return replies.flatMap((reply) => (Array.isArray(reply) ? reply.map(String) : []));
        },
        keys: () => [...range.map(head), ...written],
      };
    },
  };
}

/** Ids of 128 bits (22 base64url characters) instead of 256: shorter members, same buckets. */
const shortId = (id: string) => id.slice(0, 22);

export const LAYOUTS: readonly LayoutFactory[] = [
  flatBuckets({
    name: 'sess today: flat buckets',
    note: 'the reference',
    buckets: () => 16,
  }),
  flatBuckets({
    name: 'flat buckets, 128-bit ids',
    note: 'ids of 128 random bits instead of 256, and a new key layout (every existing session and cookie invalid)',
    buckets: () => 16,
    member: shortId,
  }),
  flatBuckets({
    name: 'flat listpack buckets, sized for the sessions',
    note: 'the bucket count must follow the number of sessions, which is fixed per deployment (changing it strands the old buckets); count and tick cost one command per bucket',
    buckets: (sessions) => Math.max(16, Math.ceil(sessions / 90)),
  }),
  flatBuckets({
    name: 'flat listpack buckets, sized for 1M sessions',
    note: 'as above, sized once for the largest deployment',
    buckets: () => Math.ceil(1_000_000 / 90),
  }),
  twoLevel(
    'two levels, sized for the sessions: shards of listpack sub-buckets, head of minimums, counter',
    "a create is a script of three writes on the shard (ZADD, INCR, ZADD LT on the head), a removal a script of two; counts and ticks run scripts that read keys they do not declare (same slot); the number of sub-buckets is fixed per deployment, and making it follow the sessions (splitting sub-buckets as they fill) would make every touch a script that reads the shard's current size first",
    (sessions) => sessions,
  ),
  twoLevel(
    'two levels, sized for 1M sessions',
    'as above, sized once for the largest deployment',
    () => 1_000_000,
  ),
  timeWindows('expiry-time windows', 60_000),
];
