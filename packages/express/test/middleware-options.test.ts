import { createMemoryPort, createSessionStore } from '@sess/core';
import { createHttpSessions } from '@sess/core/adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { session } from '../src/index.js';

const store = createSessionStore({ port: createMemoryPort(), cleaner: false });

afterAll(() => store.close());

/** [key given, what the message says about it]: express-session's options, and typos. */
const rows: Array<[string, RegExp]> = [
  ['secret', /express-session.*`secrets: \['<at least 32 random characters>'\]`.*node:crypto/],
  ['resave', /express-session.*Nothing to set/],
  ['saveUninitialized', /express-session.*first write/],
  ['rolling', /express-session.*`touchInterval`/],
  ['proxy', /express-session.*`trustProxy`/],
  ['genid', /express-session.*256 random bits/],
  ['name', /express-session.*`cookie: \{ name \}`/],
  ['unset', /express-session.*`session\.destroy\(\)`/],
  ['ttl', /connect-redis.*idleTimeout, absoluteTimeout/],
  ['cachecontrol', /did you mean `cacheControl`\?/],
];

describe('the middleware options', () => {
  it.each(rows)('reject %s', (key, says) => {
    expect(() => session({ store, [key]: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(says) }),
    );
    expect(() => session({ store, [key]: 'x' } as never)).toThrow(new RegExp(`^${key}: `));
  });

  it.each([
    ['maxAge', /^cookie\.maxAge: .*express-session.*idleTimeout, absoluteTimeout/],
    ['expires', /^cookie\.expires: .*express-session/],
    ['originalMaxAge', /^cookie\.originalMaxAge: .*express-session/],
  ])('reject cookie.%s', (key, says) => {
    expect(() => session({ store, cookie: { [key]: 1 } } as never)).toThrow(says);
  });

  it('reject a short secret and a store of express-session', () => {
    expect(() => session({ store, secrets: 'keyboard cat' })).toThrow(
      /^secrets: the secret has 12 characters; each needs at least 32/,
    );
    const connectRedis = { get() {}, set() {}, destroy() {} };
    expect(() => session({ store: connectRedis as never })).toThrow(
      /^store: this looks like an express-session or koa-session store/,
    );
  });

  it('take an HttpSessions as it is', () => {
    expect(() => session(createHttpSessions({ store }))).not.toThrow();
  });
});
