import { describe, expect, it } from 'vitest';
import { isSessError } from '../src/errors.js';
import { lifetimeForMaxAge, requireLifetimeForMaxAge } from '../src/lifetime-for-max-age.js';
import { resolveLifetimes } from '../src/lifetime-policy.js';

const DAY = 86_400_000;
const lifetimes = resolveLifetimes(
  {
    remember: { idleTimeout: 30 * DAY, absoluteTimeout: 90 * DAY, cookie: 'persistent' },
    week: { idleTimeout: 7 * DAY, absoluteTimeout: 7 * DAY, cookie: 'persistent' },
    kiosk: { idleTimeout: 300_000, absoluteTimeout: 3_600_000, cookie: 'browser-session' },
  },
  { idleTimeout: 1_800_000, absoluteTimeout: DAY },
);

describe('lifetimeForMaxAge: a cookie max age picks a lifetime policy', () => {
  it('a number picks the persistent policy whose idle timeout it is, to within a second', () => {
    expect(lifetimeForMaxAge(lifetimes, 30 * DAY, 'default', true)).toBe('remember');
    expect(lifetimeForMaxAge(lifetimes, 30 * DAY - 400, 'default', true)).toBe('remember');
    expect(lifetimeForMaxAge(lifetimes, 7 * DAY, 'default', true)).toBe('week');
    expect(lifetimeForMaxAge(lifetimes, 1_800_000, 'remember', true)).toBe('default');
    expect(lifetimeForMaxAge(lifetimes, 30 * DAY + 2_000, 'default', true)).toBeUndefined();
  });

  it('the default policy counts as persistent or not by the cookie option', () => {
    expect(lifetimeForMaxAge(lifetimes, 1_800_000, 'default', false)).toBeUndefined();
    expect(lifetimeForMaxAge(lifetimes, null, 'default', false)).toBe('default');
  });

  it('null picks the browser-session policy', () => {
    expect(lifetimeForMaxAge(lifetimes, null, 'remember', true)).toBe('kiosk');
  });

  it('of several that fit, the session keeps its own, else default', () => {
    const twins = resolveLifetimes(
      {
        a: { idleTimeout: DAY, absoluteTimeout: DAY, cookie: 'persistent' },
        b: { idleTimeout: DAY, absoluteTimeout: 2 * DAY, cookie: 'persistent' },
      },
      { idleTimeout: DAY, absoluteTimeout: DAY },
    );
    expect(lifetimeForMaxAge(twins, DAY, 'b', true)).toBe('b');
    expect(lifetimeForMaxAge(twins, DAY, 'other', true)).toBe('default');
    expect(lifetimeForMaxAge(twins, DAY, 'other', false)).toBeUndefined();
  });

  it('no policy fitting: INVALID_VALUE naming the policy to add', () => {
    const refused = (maxAge: unknown) => {
      try {
        requireLifetimeForMaxAge(lifetimes, maxAge, 'default', true, 'req.session.cookie.maxAge');
      } catch (error) {
        expect(isSessError(error, 'INVALID_VALUE')).toBe(true);
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refused(12_345_000)).toMatch(
      /^req\.session\.cookie\.maxAge = 12345000: sess takes timeouts from lifetime policies, and none has idleTimeout 12345000 with a persistent cookie .*lifetimes: \{ remember: \{ idleTimeout: 12345000/,
    );
    expect(refused(-1)).toMatch(/expected a positive number of milliseconds, or null/);
    expect(refused('30d')).toMatch(/expected a positive number/);
  });
});
