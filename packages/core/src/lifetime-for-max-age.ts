import { SessError } from './errors.js';
import {
  DEFAULT_LIFETIME,
  type LifetimePolicy,
  type ResolvedLifetimes,
} from './lifetime-policy.js';

/** A max age counted from "now" by a caller is a few ms off a policy's exact idle timeout. */
const TOLERANCE_MS = 1_000;

/**
 * The lifetime policy a cookie max age stands for: express-session's `cookie.maxAge = n` (or
 * `expires`), koa-session's `ctx.session.maxAge`, an imported session's old cookie. Timeouts
 * are policy, not data: a value picks one of the store's policies instead of becoming a
 * timeout of its own.
 *
 * - A number of ms picks the policies with a persistent cookie whose `idleTimeout` is within a
 *   second of it; `null` (a cookie that ends with the browser) the policies with a
 *   browser-session cookie.
 * - Of several, the session's own policy wins, then `default`; more than that is ambiguous.
 *
 * Undefined when no policy or more than one fits.
 */
export function lifetimeForMaxAge(
  lifetimes: ResolvedLifetimes,
  maxAge: number | null,
  current: string,
  persistentByDefault: boolean,
): string | undefined {
  const fitting = fittingPolicies(lifetimes, maxAge, persistentByDefault);
  if (fitting.length === 1) return fitting[0];
  if (fitting.includes(current)) return current;
  if (fitting.includes(DEFAULT_LIFETIME)) return DEFAULT_LIFETIME;
  return undefined;
}

/** `lifetimeForMaxAge`, throwing `INVALID_VALUE` with the fix when no single policy fits. */
export function requireLifetimeForMaxAge(
  lifetimes: ResolvedLifetimes,
  maxAge: unknown,
  current: string,
  persistentByDefault: boolean,
  where: string,
): string {
  if (maxAge !== null && (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0)) {
    throw new SessError(
      'INVALID_VALUE',
      `${where}: expected a positive number of milliseconds, or null for a cookie that ends with the browser`,
    );
  }
  const chosen = lifetimeForMaxAge(lifetimes, maxAge, current, persistentByDefault);
  if (chosen !== undefined) return chosen;
  const fitting = fittingPolicies(lifetimes, maxAge, persistentByDefault);
  const known = [...lifetimes.entries()]
    .map(([name, policy]) => `${name} (${describe(policy, persistentByDefault)})`)
    .join(', ');
  if (fitting.length > 1) {
    throw new SessError(
      'INVALID_VALUE',
      `${where} = ${maxAge}: the lifetime policies ${fitting.join(', ')} all fit; call \`session.setLifetime(name)\` to pick one`,
    );
  }
  const example =
    maxAge === null
      ? "{ idleTimeout: 1_800_000, absoluteTimeout: 43_200_000, cookie: 'browser-session' }"
      : `{ idleTimeout: ${maxAge}, absoluteTimeout: ${Math.max(maxAge, 86_400_000) * 3}, cookie: 'persistent' }`;
  throw new SessError(
    'INVALID_VALUE',
    `${where} = ${maxAge}: sess takes timeouts from lifetime policies, and none has ${
      maxAge === null
        ? 'a browser-session cookie'
        : `idleTimeout ${maxAge} with a persistent cookie`
    } (the store has ${known}). Add one to the store's \`lifetimes\`, e.g. \`lifetimes: { remember: ${example} }\``,
  );
}

function fittingPolicies(
  lifetimes: ResolvedLifetimes,
  maxAge: number | null,
  persistentByDefault: boolean,
): string[] {
  const fitting: string[] = [];
  for (const [name, policy] of lifetimes) {
    const persistent = isPersistent(policy, persistentByDefault);
    if (
      maxAge === null
        ? !persistent
        : persistent && Math.abs(policy.idleTimeout - maxAge) <= TOLERANCE_MS
    ) {
      fitting.push(name);
    }
  }
  return fitting;
}

function isPersistent(policy: Readonly<LifetimePolicy>, persistentByDefault: boolean): boolean {
  return policy.cookie === undefined ? persistentByDefault : policy.cookie === 'persistent';
}

function describe(policy: Readonly<LifetimePolicy>, persistentByDefault: boolean): string {
  return `idleTimeout ${policy.idleTimeout}, ${isPersistent(policy, persistentByDefault) ? 'persistent' : 'browser-session'} cookie`;
}
