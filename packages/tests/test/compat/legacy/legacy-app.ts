// The apps of the session libraries sess replaces, as their users run them, each with Passport
// (passport 0.7, @fastify/passport, koa-passport). Their types (express-session's
// `req.session`) clash with sess' adapters', so they compile in a program of their own
// (tsconfig.legacy.json) and the tests load them by path: `loadLegacyApp`.

/** The secret the old apps signed their cookies with (express-session, @fastify/session). */
export const OLD_SECRET = 'the old app secret, 32 characters or more!';
/** The old Koa app's `app.keys`. */
export const OLD_KEYS = ['the old koa key, 32 characters or more!'];
export const OLD_PASSWORD = 'old password';
/** The old apps' cookies live an hour. */
export const OLD_MAX_AGE = 3_600_000;

/**
 * What every old app serves, as the Passport apps of `passport-flow.ts` do:
 * `GET /me` (`{ user, cart }`), `POST /cart` (form `item`), `POST /login` (form `username`,
 * `password`).
 */
export interface LegacyApp {
  readonly url: string;
  close(): Promise<void>;
}

export type StartLegacyApp = (redisUrl: string) => Promise<LegacyApp>;

export type LegacyStack = 'express-session' | 'fastify-session' | 'koa-session';

/** The old app of `stack`, loaded by path so that its types stay out of the tests' program. */
export async function loadLegacyApp(stack: LegacyStack): Promise<StartLegacyApp> {
  const url = new URL(`./${stack}-app.ts`, import.meta.url).href;
  const loaded = (await import(url)) as { start: StartLegacyApp };
  return loaded.start;
}
