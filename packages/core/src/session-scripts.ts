import { defineScript, type RedisCallFn } from './lua-script.js';
import type { RedisReply } from './redis-port.js';
import { parseStoredTimes } from './stored-times.js';

// Every script here touches exactly one key, so one slot, whatever the deployment.
// PEXPIREAT ... GT treats a key without a TTL as infinite, so it never sets a first TTL: a
// session hash gets its first one in the script that creates it, and only then do later
// scripts extend it with GT; a principal index, which a plain ZADD creates, gets its first
// with NX.
//
// Arguments are written in chunks (`CHUNK` at a time): Lua's `unpack` fails past a few thousand
// values ("too many results to unpack"), well below what `maxSessionBytes` allows. The first
// write of a script is the one Redis refuses under OOM (`noeviction`), so a refused script has
// written nothing; later chunks are allowed through, and a script never stops half-way.

/** Values handed to one `redis.call` at most: even, so a chunk never splits a field/value pair. */
const CHUNK = 1000;

/** The Lua helper that calls `command key ARGV[first..last]` in chunks. */
const CHUNKED = `local function chunked(command, key, first, last)
  for i = first, last, ${CHUNK} do
    redis.call(command, key, unpack(ARGV, i, math.min(i + ${CHUNK - 1}, last)))
  end
end
`;

/** The JavaScript twin of `CHUNKED`, for the memory port's emulations. */
function chunked(call: RedisCallFn, command: string, key: string, values: readonly string[]): void {
  for (let i = 0; i < values.length; i += CHUNK) {
    call(command, key, ...values.slice(i, i + CHUNK));
  }
}

/** The Lua test that a hash's times field `#t` holds a live session at ARGV[1] (now). */
export const ALIVE = `local function alive(times)
  if not times then return false end
  local created, since, left = string.match(times, '^(%d+):(%-?%d+):(%-?%d+)$')
  return created ~= nil and tonumber(created) + tonumber(since) + tonumber(left) > tonumber(ARGV[1])
end
`;

/** The JavaScript twin of `ALIVE`. */
export function alive(times: RedisReply, now: string | undefined): boolean {
  if (typeof times !== 'string') return false;
  const expiresAt = parseStoredTimes(times)?.expiresAt;
  return expiresAt !== undefined && expiresAt > Number(now);
}

/** KEYS[1] session hash. ARGV: pexpireat, then field/value pairs. 1 = created, 0 = id taken. */
export const createScript = defineScript(
  'sess_create',
  `${CHUNKED}if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
chunked('HSET', KEYS[1], 2, #ARGV)
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1`,
  (call, keys, args) => {
    const key = keys[0] as string;
    if (call('EXISTS', key) === 1) return 0;
    chunked(call, 'HSET', key, args.slice(1));
    call('PEXPIREAT', key, args[0] as string);
    return 1;
  },
);

/**
 * KEYS[1] session hash (its expiry is the sum of the times field `#t`, see `stored-times.ts`).
 * ARGV: now, pexpireat, number of pairs n, n field/value pairs, then the fields to delete.
 * Writes only if the session is still alive: an expiry never moves back, so a slow request can
 * never bring back a destroyed, moved or expired session, nor one the cleaner is about to delete.
 * The TTL only moves forward (GT: the create script gave the hash its first). 1 = saved, 0 = gone.
 */
export const saveScript = defineScript(
  'sess_save',
  `${CHUNKED}${ALIVE}if not alive(redis.call('HGET', KEYS[1], '#t')) then return 0 end
local last = 3 + tonumber(ARGV[3]) * 2
chunked('HSET', KEYS[1], 4, last)
chunked('HDEL', KEYS[1], last + 1, #ARGV)
redis.call('PEXPIREAT', KEYS[1], ARGV[2], 'GT')
return 1`,
  (call, keys, args) => {
    const key = keys[0] as string;
    if (!alive(call('HGET', key, '#t'), args[0])) return 0;
    const last = 3 + Number(args[2]) * 2;
    chunked(call, 'HSET', key, args.slice(3, last));
    chunked(call, 'HDEL', key, args.slice(last));
    call('PEXPIREAT', key, args[1] as string, 'GT');
    return 1;
  },
);

/**
 * The Lua lookup of a field in an HGETALL reply: one read gives both the test and the fields,
 * where a separate HGET (or HEXISTS) first would cost every take and move a command.
 */
const FIELD = `local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return nil
end
`;

function field(fields: readonly RedisReply[], name: string): RedisReply {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === name) return fields[i + 1] as RedisReply;
  }
  return null;
}

/**
 * KEYS[1] session hash. Reads and deletes a session in one step (sign-out, revocation);
 * returns its fields, or nothing when there is no session there (none, or only the mark a
 * move left, see `moveScript`).
 */
export const takeScript = defineScript(
  'sess_take',
  `${FIELD}local fields = redis.call('HGETALL', KEYS[1])
if not field(fields, '#t') then return {} end
redis.call('DEL', KEYS[1])
return fields`,
  (call, keys) => {
    const key = keys[0] as string;
    const fields = call('HGETALL', key) as RedisReply[];
    if (field(fields, '#t') === null) return [];
    call('DEL', key);
    return fields;
  },
);

/**
 * KEYS[1] the session hash of the id a regenerate moves away from. ARGV: now, the new id, how
 * long the mark lives (ms). A live session is read and replaced by the mark `#m` = new id, so
 * that a request which lost the reply can ask again and learn that its own move happened, and
 * a concurrent regenerate learns the session was moved rather than ended.
 * Returns the session's fields (moved now), `{'#m', id}` (moved before, to `id`), or nothing
 * (no live session: ended, expired, never there).
 */
export const moveScript = defineScript(
  'sess_move',
  `${ALIVE}${FIELD}local fields = redis.call('HGETALL', KEYS[1])
local times = field(fields, '#t')
if not times then
  local moved = field(fields, '#m')
  if moved then return {'#m', moved} end
  return {}
end
if not alive(times) then return {} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '#m', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return fields`,
  (call, keys, args) => {
    const key = keys[0] as string;
    const fields = call('HGETALL', key) as RedisReply[];
    const times = field(fields, '#t');
    if (times === null) {
      const moved = field(fields, '#m');
      return moved === null ? [] : ['#m', moved];
    }
    if (!alive(times, args[0])) return [];
    call('DEL', key);
    call('HSET', key, '#m', args[1] as string);
    call('PEXPIRE', key, args[2] as string);
    return fields;
  },
);

/**
 * KEYS[1] principal index: member = session id, score = its expiry, or minus its expiry once
 * the limit chose it to end ("doomed": it no longer counts, but stays listed until the session
 * is gone, so revoking the principal still reaches it if ending it failed).
 * ARGV: now, id, expiresAt, limit (0 = none), policy (`reject` | `evict`), pexpireat.
 * Prunes what expired, enforces the limit, adds the id. Returns `{0}` when rejected, else `{1,
 * doomed ids...}`: the ones just chosen and any an earlier sign-in failed to end. Atomic, so
 * concurrent sign-ins of one principal can never end above the limit.
 */
export const claimScript = defineScript(
  'sess_claim',
  `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-' .. ARGV[1], ARGV[1])
local limit = tonumber(ARGV[4])
local result = {1}
if limit > 0 then
  local over = redis.call('ZCOUNT', KEYS[1], '(0', '+inf') - limit + 1
  if over > 0 then
    if ARGV[5] == 'reject' then return {0} end
    local oldest = redis.call('ZRANGE', KEYS[1], '(0', '+inf', 'BYSCORE', 'LIMIT', 0, over, 'WITHSCORES')
    for i = 1, #oldest, 2 do redis.call('ZADD', KEYS[1], '-' .. oldest[i + 1], oldest[i]) end
  end
  local doomed = redis.call('ZRANGE', KEYS[1], '-inf', '(0', 'BYSCORE', 'LIMIT', 0, 100)
  for i = 1, #doomed do result[#result + 1] = doomed[i] end
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
if redis.call('PEXPIREAT', KEYS[1], ARGV[6], 'NX') == 0 then
  redis.call('PEXPIREAT', KEYS[1], ARGV[6], 'GT')
end
return result`,
  (call, keys, args) => {
    const key = keys[0] as string;
    const now = args[0] as string;
    call('ZREMRANGEBYSCORE', key, `-${now}`, now);
    const limit = Number(args[3]);
    const result: RedisReply[] = [1];
    if (limit > 0) {
      const over = (call('ZCOUNT', key, '(0', '+inf') as number) - limit + 1;
      if (over > 0) {
        if (args[4] === 'reject') return [0];
        const oldest = call(
          'ZRANGE',
          key,
          '(0',
          '+inf',
          'BYSCORE',
          'LIMIT',
          0,
          over,
          'WITHSCORES',
        ) as string[];
        for (let i = 0; i < oldest.length; i += 2) {
          call('ZADD', key, `-${oldest[i + 1]}`, oldest[i] as string);
        }
      }
      const doomed = call('ZRANGE', key, '-inf', '(0', 'BYSCORE', 'LIMIT', 0, 100) as string[];
      result.push(...doomed);
    }
    call('ZADD', key, args[2] as string, args[1] as string);
    if (call('PEXPIREAT', key, args[5] as string, 'NX') === 0) {
      call('PEXPIREAT', key, args[5] as string, 'GT');
    }
    return result;
  },
);
