import { SessError } from './errors.js';
import { checkOptionKeys, optionNames } from './option-keys.js';

/**
 * A named lifetime for sessions: "remember me" for 30 days, a browser-session cookie and half
 * an hour idle otherwise. A session stores only its policy's name; the timeouts are read from
 * the store's options whenever the session is read, so changing a policy applies to the live
 * sessions of that policy at once (a shorter timeout ends those past it; a longer one counts
 * from their last access and reaches Redis' TTL with their next touch).
 */
export interface LifetimePolicy {
  /** A session of this policy ends after this long without a request that touched it (ms). */
  idleTimeout: number;
  /** A session of this policy ends this long after it was created, however active (ms). */
  absoluteTimeout: number;
  /**
   * The cookie that carries it: `'persistent'` (Max-Age and Expires follow the session's
   * expiry, so it survives closing the browser) or `'browser-session'` (no Max-Age: gone when
   * the browser closes).
   * @default the HTTP option `cookie.persistent`
   */
  cookie?: 'persistent' | 'browser-session';
}

/** The policy of sessions that name none: the store's `idleTimeout` and `absoluteTimeout`. */
export const DEFAULT_LIFETIME = 'default';

export type ResolvedLifetimes = ReadonlyMap<string, Readonly<LifetimePolicy>>;

const NAME = /^[A-Za-z0-9_-]{1,32}$/;

const POLICY_NAMES = optionNames<LifetimePolicy>({
  idleTimeout: true,
  absoluteTimeout: true,
  cookie: true,
});

/** The policies by name, `default` included, checked. */
export function resolveLifetimes(
  given: Record<string, LifetimePolicy> | undefined,
  defaults: { idleTimeout: number; absoluteTimeout: number },
): ResolvedLifetimes {
  const lifetimes = new Map<string, Readonly<LifetimePolicy>>([
    [DEFAULT_LIFETIME, Object.freeze({ ...defaults })],
  ]);
  if (given === undefined) return lifetimes;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new SessError(
      'INVALID_OPTION',
      "lifetimes: expected an object of named policies, e.g. { remember: { idleTimeout: 2_592_000_000, absoluteTimeout: 7_776_000_000, cookie: 'persistent' } }",
    );
  }
  for (const [name, policy] of Object.entries(given)) {
    if (name === DEFAULT_LIFETIME) {
      throw new SessError(
        'INVALID_OPTION',
        "lifetimes.default: the default policy is the store's idleTimeout and absoluteTimeout; set those instead",
      );
    }
    if (!NAME.test(name)) {
      throw new SessError(
        'INVALID_OPTION',
        `lifetimes.${name}: a policy name is 1 to 32 letters, digits, "-" or "_" (it is stored with each session)`,
      );
    }
    if (policy === null || typeof policy !== 'object') {
      throw new SessError(
        'INVALID_OPTION',
        `lifetimes.${name}: expected { idleTimeout, absoluteTimeout, cookie? }`,
      );
    }
    checkOptionKeys(policy, { path: `lifetimes.${name}`, known: POLICY_NAMES });
    for (const key of ['idleTimeout', 'absoluteTimeout'] as const) {
      const value = policy[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw new SessError(
          'INVALID_OPTION',
          `lifetimes.${name}.${key}: expected a positive integer number of milliseconds`,
        );
      }
    }
    if (
      policy.cookie !== undefined &&
      policy.cookie !== 'persistent' &&
      policy.cookie !== 'browser-session'
    ) {
      throw new SessError(
        'INVALID_OPTION',
        `lifetimes.${name}.cookie: 'persistent' or 'browser-session'`,
      );
    }
    lifetimes.set(name, Object.freeze({ ...policy }));
  }
  return lifetimes;
}

/** The policy `name` must be one of `lifetimes`; the error says which exist when it is not. */
export function assertLifetime(
  lifetimes: ResolvedLifetimes,
  name: unknown,
  where: string,
  code: 'INVALID_OPTION' | 'INVALID_VALUE',
): asserts name is string {
  if (typeof name === 'string' && lifetimes.has(name)) return;
  const known = [...lifetimes.keys()].map((key) => `'${key}'`).join(', ');
  throw new SessError(
    code,
    `${where}: no lifetime policy ${JSON.stringify(name)} (the store has ${known}; add it to the store's \`lifetimes\`)`,
  );
}
