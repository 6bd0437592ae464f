import type { PortCacheStats } from '@sess/core/port';

/**
 * What every benchmarked app serves, whatever its framework and session library. The routes
 * are the same in every app so that the only difference between two runs is the stack.
 *
 * - `GET /anon`: no cookie comes with it; reads `user` (absent) and answers `{"user":null}`.
 * - `GET /read`: reads two attributes of an existing session.
 * - `POST /write`: increments the `visits` attribute of an existing session.
 * - `POST /sign-in`: a new session for a user, regenerated as each library documents it.
 * - `POST /setup`: a new session holding `SESSION_ATTRIBUTES`, for a request without a cookie:
 *   the anonymous first write (a cart, a preference) scenario; it also prepares the sessions of
 *   the read and write runs, and is what the memory measurement creates 100,000 of. Without
 *   sessions it only answers.
 * - `POST /attr?name=x`: sets attribute `x` (the lost-update test).
 * - `GET /names`: the session's attribute names (the lost-update test's verdict).
 */
export const ROUTES = {
  anon: '/anon',
  read: '/read',
  write: '/write',
  signIn: '/sign-in',
  setup: '/setup',
  attr: '/attr',
  names: '/names',
} as const;

/** Signs the cookies of every stack; 32+ characters, which @fastify/session insists on. */
export const SECRET = 'bench-only secret, 32+ characters long, never used elsewhere';

/** Five small attributes, the same in every session every library creates. */
export const SESSION_ATTRIBUTES = {
  user: 'u1234567',
  role: 'member',
  locale: 'en-GB',
  theme: 'dark',
  visits: 0,
} as const;

/** The names that are data for the lost-update verdict (a library's own fields are not). */
export function attributeNames(data: object): string[] {
  return Object.keys(data)
    .filter((name) => name !== 'cookie' && !name.startsWith('_'))
    .sort();
}

/** Sign-ins cycle through this many users, as a real population signs in again and again. */
const USERS = 10_000;
let signIns = 0;

export function nextUser(): string {
  signIns = (signIns + 1) % USERS;
  return `user-${signIns}`;
}

export interface AppOptions {
  readonly redisUrl: string;
}

/** A started app: where it listens, and how to stop it with its Redis connections. */
export interface RunningApp {
  readonly port: number;
  close(): Promise<void>;
  /** A sess app's port figures: its read cache's, undefined when the cache is off. */
  cacheStats?(): PortCacheStats | undefined;
}

/** What each module in `apps/` exports as `start`. */
export type StartApp = (options: AppOptions) => Promise<RunningApp>;
