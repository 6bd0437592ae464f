import { defineScript } from './lua-script.js';
import { ALIVE, alive } from './session-scripts.js';

/**
 * KEYS[1] session hash. ARGV: now, the attribute's name. Reads and deletes one attribute in
 * one step, so of any number of concurrent takes of a value exactly one gets it (a read-once
 * value: an OAuth `state`, a CSRF nonce, a flash message). Like the save script it touches
 * only a live session: an ended or expired one has nothing to give. Meta fields (`#` names)
 * are never handed out, whatever the caller checked.
 * Returns the stored value, nil when there is none, 0 when the session is gone.
 */
export const takeAttributeScript = defineScript(
  'sess_take_attribute',
  `${ALIVE}if not alive(redis.call('HGET', KEYS[1], '#t')) then return 0 end
if string.sub(ARGV[2], 1, 1) == '#' then return false end
local value = redis.call('HGET', KEYS[1], ARGV[2])
if not value then return false end
redis.call('HDEL', KEYS[1], ARGV[2])
return value`,
  (call, keys, args) => {
    const key = keys[0] as string;
    if (!alive(call('HGET', key, '#t'), args[0])) return 0;
    const name = args[1] as string;
    if (name.startsWith('#')) return null;
    const value = call('HGET', key, name);
    if (value === null) return null;
    call('HDEL', key, name);
    return value;
  },
);
