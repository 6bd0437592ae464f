import { defineScript } from './lua-script.js';
import type { RedisReply } from './redis-port.js';
import { parseStoredTimes } from './stored-times.js';

// Every script here touches exactly one key, so one slot, whatever the deployment.
// PEXPIREAT ... GT is not used on purpose: Redis treats a key without a TTL as infinite for GT,
// so it would never set a first TTL. PEXPIRETIME (Redis 7.0) lets the scripts compare instead.

/** KEYS[1] session hash. ARGV: pexpireat, then field/value pairs. 1 = created, 0 = id taken. */
export const createScript = defineScript(
  'sess_create',
  `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1`,
  (call, keys, args) => {
    const key = keys[0] as string;
    if (call('EXISTS', key) === 1) return 0;
    call('HSET', key, ...args.slice(1));
    call('PEXPIREAT', key, args[0] as string);
    return 1;
  },
);

/**
 * KEYS[1] session hash (its expiry is the sum of the times field `#t`, see `stored-times.ts`).
 * ARGV: now, pexpireat, number of pairs n, n field/value pairs, then the fields to delete. Writes only if the session is still alive: an expiry never moves back, so
 * a slow request can never bring back a destroyed or expired session, nor one the cleaner is
 * about to delete.
 * 1 = saved, 0 = gone.
 */
export const saveScript = defineScript(
  'sess_save',
  `local times = redis.call('HGET', KEYS[1], '#t')
local created, since, left
if times then created, since, left = string.match(times, '^(%d+):(%-?%d+):(%-?%d+)$') end
if not created or tonumber(created) + tonumber(since) + tonumber(left) <= tonumber(ARGV[1]) then
  return 0
end
local count = tonumber(ARGV[3])
if count > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 4, 3 + count * 2)) end
if #ARGV > 3 + count * 2 then redis.call('HDEL', KEYS[1], unpack(ARGV, 4 + count * 2)) end
if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
end
return 1`,
  (call, keys, args) => {
    const key = keys[0] as string;
    const times = call('HGET', key, '#t') as string | null;
    const expiresAt = times === null ? undefined : parseStoredTimes(times)?.expiresAt;
    if (expiresAt === undefined || expiresAt <= Number(args[0])) return 0;
    const pairs = Number(args[2]);
    if (pairs > 0) call('HSET', key, ...args.slice(3, 3 + pairs * 2));
    if (args.length > 3 + pairs * 2) call('HDEL', key, ...args.slice(3 + pairs * 2));
    if ((call('PEXPIRETIME', key) as number) < Number(args[1])) {
      call('PEXPIREAT', key, args[1] as string);
    }
    return 1;
  },
);

/** KEYS[1] session hash. Reads and deletes it in one step; returns the fields (empty if gone). */
export const takeScript = defineScript(
  'sess_take',
  `local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then redis.call('DEL', KEYS[1]) end
return fields`,
  (call, keys) => {
    const key = keys[0] as string;
    const fields = call('HGETALL', key) as RedisReply[];
    if (fields.length > 0) call('DEL', key);
    return fields;
  },
);

/**
 * KEYS[1] principal index. ARGV: now, id, expiresAt, limit (0 = none), policy
 * (`reject` | `evict`), pexpireat. Prunes expired members, enforces the limit, adds the id.
 * Returns `{0}` when rejected, else `{1, evicted ids...}`. Atomic, so concurrent sign-ins of
 * one principal can never end above the limit.
 */
export const claimScript = defineScript(
  'sess_claim',
  `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local limit = tonumber(ARGV[4])
local result = {1}
if limit > 0 then
  local over = redis.call('ZCARD', KEYS[1]) - limit + 1
  if over > 0 then
    if ARGV[5] == 'reject' then return {0} end
    local popped = redis.call('ZPOPMIN', KEYS[1], over)
    for i = 1, #popped, 2 do result[#result + 1] = popped[i] end
  end
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[6]) then
  redis.call('PEXPIREAT', KEYS[1], ARGV[6])
end
return result`,
  (call, keys, args) => {
    const key = keys[0] as string;
    call('ZREMRANGEBYSCORE', key, '-inf', args[0] as string);
    const limit = Number(args[3]);
    const result: RedisReply[] = [1];
    if (limit > 0) {
      const over = (call('ZCARD', key) as number) - limit + 1;
      if (over > 0) {
        if (args[4] === 'reject') return [0];
        const popped = call('ZPOPMIN', key, over) as RedisReply[];
        for (let i = 0; i < popped.length; i += 2) result.push(popped[i] as string);
      }
    }
    call('ZADD', key, args[2] as string, args[1] as string);
    if ((call('PEXPIRETIME', key) as number) < Number(args[5])) {
      call('PEXPIREAT', key, args[5] as string);
    }
    return result;
  },
);
