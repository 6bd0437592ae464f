import { formatBytes } from '../format.js';
import { infoNumber } from '../info-text.js';
import type { Verdict } from './check-result.js';
import type { NodeFacts } from './node-facts.js';

const FIX =
  "Set maxmemory-policy to noeviction on the Redis that holds sessions (redis.conf, or your provider's parameter group: sess never sends CONFIG) and give it the memory your sessions need; keep caches on another Redis.";

/** A `maxmemory-policy` that lets Redis drop sessions, index buckets or the cleaner lease. */
export function evictionVerdict({ info }: NodeFacts): Verdict {
  const policy = info.get('maxmemory_policy');
  const maxmemory = infoNumber(info, 'maxmemory') ?? 0;
  const limit = maxmemory > 0 ? `maxmemory ${formatBytes(maxmemory)}` : 'no maxmemory set';
  const details = { policy: policy ?? null, maxmemory };
  if (policy === undefined) {
    return {
      status: 'warn',
      summary: 'INFO memory does not report maxmemory_policy',
      reason: 'An eviction policy other than noeviction can delete sessions when memory runs out.',
      fix: `Check the policy by hand. ${FIX}`,
      details,
    };
  }
  if (policy === 'noeviction') {
    return {
      status: 'pass',
      summary: `noeviction (${limit}): a full Redis refuses writes instead of dropping sessions`,
      reason: 'Other policies delete keys when memory runs out, sessions among them.',
      details,
    };
  }
  const reason = policy.startsWith('allkeys-')
    ? `${policy} evicts any key when memory is full: sessions (users signed out at random), expiry index buckets (their sessions are then never cleaned up nor reported as expired) and the cleaner lease.`
    : `${policy} evicts keys that have a TTL when memory is full, and every session hash has one (its backstop expiry): sessions are what it evicts.`;
  return maxmemory > 0
    ? {
        status: 'fail',
        summary: `maxmemory-policy ${policy} with ${limit}: Redis will evict sessions when full`,
        reason,
        fix: FIX,
        details,
      }
    : {
        status: 'warn',
        summary: `maxmemory-policy ${policy} (${limit} yet): sessions become evictable as soon as a limit is set`,
        reason: `${reason} Without maxmemory nothing is evicted yet, but managed services set a limit, and so may a later config change.`,
        fix: FIX,
        details,
      };
}
