import { defineScript } from './lua-script.js';

// The cleaner lease is one string key holding the holder's token. Renewing and releasing
// compare the token first, so an instance that lost the lease can never extend or delete
// the lease of the instance that took it over.

/** KEYS[1] lease. ARGV: token, ttl (ms). 1 = renewed, 0 = not ours (any more). */
export const renewLeaseScript = defineScript(
  'sess_lease_renew',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
  (call, keys, args) => {
    const key = keys[0] as string;
    if (call('GET', key) !== args[0]) return 0;
    call('PEXPIRE', key, args[1] as string);
    return 1;
  },
);

/** KEYS[1] lease. ARGV: token. 1 = released, 0 = not ours. */
export const releaseLeaseScript = defineScript(
  'sess_lease_release',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
  (call, keys, args) => {
    const key = keys[0] as string;
    if (call('GET', key) !== args[0]) return 0;
    call('DEL', key);
    return 1;
  },
);
