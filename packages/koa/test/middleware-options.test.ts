import { createMemoryPort, createSessionStore } from '@sess/core';
import { createHttpSessions } from '@sess/core/adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { session } from '../src/index.js';

const store = createSessionStore({ port: createMemoryPort(), cleaner: false });

afterAll(() => store.close());

/** [key given, what the message says about it]: koa-session's options, and typos. */
const rows: Array<[string, RegExp]> = [
  ['key', /koa-session.*`cookie: \{ name \}`/],
  ['maxAge', /koa-session.*idleTimeout, absoluteTimeout.*`cookie: \{ persistent: false \}`/],
  ['autoCommit', /koa-session/],
  ['overwrite', /koa-session/],
  ['signed', /koa-session.*`secrets`/],
  ['rolling', /koa-session.*`touchInterval`/],
  ['renew', /koa-session/],
  ['externalKey', /koa-session/],
  ['ContextStore', /koa-session.*`store`/],
  ['encode', /koa-session.*`serializer`/],
  ['decode', /koa-session.*`serializer`/],
  ['genid', /koa-session.*256 random bits/],
  ['valid', /koa-session/],
  ['beforeSave', /koa-session/],
  ['httpOnly', /`cookie: \{ httpOnly \}`/],
  ['secure', /`cookie: \{ secure \}`/],
  ['sameSite', /`cookie: \{ sameSite \}`/],
  ['domain', /`cookie: \{ domain \}`/],
  ['path', /`cookie: \{ path \}`/],
  ['onunavailable', /did you mean `onUnavailable`\?/],
];

describe('the middleware options', () => {
  it.each(rows)('reject %s', (key, says) => {
    expect(() => session({ store, [key]: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(says) }),
    );
    expect(() => session({ store, [key]: 'x' } as never)).toThrow(new RegExp(`^${key}: `));
  });

  it('reject a short secret and a store of koa-session', () => {
    expect(() => session({ store, secrets: ['0123456789abcdef'] })).toThrow(
      /^secrets: the secret has 16 characters; each needs at least 32/,
    );
    const external = { get() {}, set() {}, destroy() {} };
    expect(() => session({ store: external as never })).toThrow(
      /^store: this looks like an express-session or koa-session store/,
    );
  });

  it('take an HttpSessions as it is', () => {
    expect(() => session(createHttpSessions({ store }))).not.toThrow();
  });
});
