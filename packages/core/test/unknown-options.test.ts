import { describe, expect, it } from 'vitest';
import { createHttpSessions, isHttpSessions } from '../src/http-sessions.js';
import { createMemoryPort } from '../src/memory-port.js';
import { createSessionStore } from '../src/session-store.js';
import { StoreGauges } from '../src/store-gauges.js';
import { resolveSubscribeOptions } from '../src/subscribe-options.js';

const port = createMemoryPort();
const store = createSessionStore({ port, cleaner: false });
const handler = (): void => undefined;

type Build = (extra: Record<string, unknown>) => unknown;

const objects: Record<string, Build> = {
  store: (extra) => createSessionStore({ port, cleaner: false, ...extra }),
  eventStream: (extra) => createSessionStore({ port, cleaner: false, eventStream: extra }),
  cleaner: (extra) => createSessionStore({ port, cleaner: extra }),
  waitForReplicas: (extra) =>
    createSessionStore({
      port,
      cleaner: false,
      waitForReplicas: { replicas: 1, timeoutMs: 10, ...extra },
    }),
  http: (extra) => createHttpSessions({ store, ...extra }),
  cookie: (extra) => createHttpSessions({ store, cookie: extra }),
  'subscribe (group)': (extra) =>
    resolveSubscribeOptions({ mode: 'group', group: 'g', handler, ...extra }),
  'subscribe (broadcast)': (extra) =>
    resolveSubscribeOptions({ mode: 'broadcast', handler, ...extra }),
  gauges: (extra) => new StoreGauges(store, extra),
};

/** [options object, key given, the key as the message names it, what the message says about it] */
const rows: Array<[string, string, string, RegExp]> = [
  // Typos: the closest known name.
  ['store', 'idleTimout', 'idleTimout', /did you mean `idleTimeout`\?/],
  ['store', 'touchintervall', 'touchintervall', /did you mean `touchInterval`\?/],
  ['store', 'maxAttribute', 'maxAttribute', /did you mean `maxAttributes`\?/],
  ['store', 'eventstream', 'eventstream', /did you mean `eventStream`\?/],
  ['eventStream', 'maxLenght', 'eventStream.maxLenght', /did you mean `maxLength`\?/],
  ['cleaner', 'intervall', 'cleaner.intervall', /did you mean `interval`\?/],
  ['cleaner', 'leaseTTL', 'cleaner.leaseTTL', /did you mean `leaseTtl`\?/],
  ['waitForReplicas', 'timeout', 'waitForReplicas.timeout', /did you mean `timeoutMs`\?/],
  ['http', 'secretz', 'secretz', /did you mean `secrets`\?/],
  ['http', 'cookies', 'cookies', /did you mean `cookie`\?/],
  ['http', 'trustProxies', 'trustProxies', /did you mean `trustProxy`\?/],
  ['cookie', 'samesite', 'cookie.samesite', /did you mean `sameSite`\?/],
  ['cookie', 'httponly', 'cookie.httponly', /did you mean `httpOnly`\?/],
  ['subscribe (group)', 'maxDelivery', 'maxDelivery', /did you mean `maxDeliveries`\?/],
  ['subscribe (broadcast)', 'blok', 'blok', /did you mean `block`\?/],
  ['gauges', 'maxage', 'maxage', /did you mean `maxAge`\?/],
  // Options of a nested object, or of the other sess object.
  ['store', 'interval', 'interval', /`cleaner: \{ interval \}`/],
  ['store', 'maxLength', 'maxLength', /`eventStream: \{ maxLength \}`/],
  ['store', 'secrets', 'secrets', /an option of the HTTP sessions/],
  ['http', 'idleTimeout', 'idleTimeout', /`createSessionStore\(\{ port, idleTimeout \}\)`/],
  ['subscribe (broadcast)', 'group', 'group', /only with `mode: 'group'`/],
  // express-session
  ['http', 'secret', 'secret', /express-session.*`secrets: \['<at least 32 random characters>'\]`/],
  ['http', 'resave', 'resave', /express-session.*writes only the attributes that changed/],
  ['http', 'saveUninitialized', 'saveUninitialized', /creates a session at its first write/],
  ['http', 'rolling', 'rolling', /at most once per the store's `touchInterval`/],
  ['http', 'proxy', 'proxy', /express-session.*`trustProxy`/],
  ['http', 'genid', 'genid', /256 random bits/],
  ['http', 'name', 'name', /express-session.*`cookie: \{ name \}`/],
  ['http', 'unset', 'unset', /`session\.destroy\(\)`/],
  ['cookie', 'maxAge', 'cookie.maxAge', /express-session.*idleTimeout, absoluteTimeout/],
  ['cookie', 'expires', 'cookie.expires', /follows the session's expiry/],
  ['cookie', 'originalMaxAge', 'cookie.originalMaxAge', /follows the session's expiry/],
  // connect-redis
  ['store', 'client', 'client', /connect-redis.*createNodeRedisPort\(\{ client \}\)/],
  ['store', 'ttl', 'ttl', /connect-redis.*idleTimeout, absoluteTimeout.*milliseconds/],
  ['store', 'disableTouch', 'disableTouch', /connect-redis.*`touchInterval`/],
  ['store', 'disableTTL', 'disableTTL', /connect-redis.*Redis TTL/],
  ['store', 'scanCount', 'scanCount', /connect-redis.*never scans/],
  ['http', 'ttl', 'ttl', /connect-redis.*idleTimeout, absoluteTimeout/],
  // @fastify/session
  ['http', 'cookieName', 'cookieName', /@fastify\/session.*`cookie: \{ name \}`/],
  ['http', 'idGenerator', 'idGenerator', /@fastify\/session.*256 random bits/],
  ['http', 'cookiePrefix', 'cookiePrefix', /@fastify\/session.*`cookie\.hostPrefix`/],
  // koa-session
  ['http', 'key', 'key', /koa-session.*`cookie: \{ name \}`/],
  ['http', 'maxAge', 'maxAge', /koa-session.*idleTimeout, absoluteTimeout.*persistent: false/],
  ['http', 'autoCommit', 'autoCommit', /koa-session.*commits when the response goes out/],
  ['http', 'overwrite', 'overwrite', /koa-session/],
  ['http', 'signed', 'signed', /koa-session.*`secrets`/],
  ['http', 'renew', 'renew', /koa-session.*`absoluteTimeout`/],
  ['http', 'externalKey', 'externalKey', /koa-session.*from its cookie only/],
  ['http', 'ContextStore', 'ContextStore', /koa-session.*`createSessionStore\(\{ port \}\)`/],
  ['http', 'encode', 'encode', /koa-session.*`serializer`/],
  ['http', 'decode', 'decode', /koa-session.*`serializer`/],
  ['http', 'valid', 'valid', /koa-session.*`session\.destroy\(\)`/],
  ['http', 'beforeSave', 'beforeSave', /koa-session.*saves what changed/],
  ['http', 'httpOnly', 'httpOnly', /`cookie: \{ httpOnly \}`/],
  ['http', 'secure', 'secure', /`cookie: \{ secure \}`/],
  ['http', 'sameSite', 'sameSite', /`cookie: \{ sameSite \}`/],
  ['http', 'domain', 'domain', /`cookie: \{ domain \}`/],
  ['http', 'path', 'path', /`cookie: \{ path \}`/],
];

describe('every options object rejects unknown keys', () => {
  it.each(rows)('%s: %s', (object, key, named, says) => {
    const build = objects[object]!;
    let error: unknown;
    try {
      build({ [key]: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    const message = (error as Error).message;
    expect(message.startsWith(`${named}: `)).toBe(true);
    expect(message).toMatch(says);
  });

  it('each object takes its own options', () => {
    expect(() => objects.store!({ idleTimeout: 120_000, maxAttributes: 10 })).not.toThrow();
    expect(() => objects.cookie!({ name: 'id', sameSite: 'strict' })).not.toThrow();
    expect(() => objects['subscribe (group)']!({ claimIdle: 1_000, from: 'start' })).not.toThrow();
    expect(() => objects.gauges!({ maxAge: 0 })).not.toThrow();
  });

  it('isHttpSessions tells an HttpSessions from options, so adapters take either', () => {
    const sessions = createHttpSessions({ store });
    expect(isHttpSessions(sessions)).toBe(true);
    expect(isHttpSessions({ store })).toBe(false);
  });

  it('a store of express-session or koa-session is named as such', () => {
    const connectRedis = { get() {}, set() {}, destroy() {}, touch() {} };
    expect(() => createHttpSessions({ store: connectRedis as never })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(
          /^store: this looks like an express-session or koa-session store/,
        ),
      }),
    );
  });
});

describe('secrets', () => {
  it('refuses one shorter than 32 characters, says how to make one, and never shows it', () => {
    let error: unknown;
    try {
      createHttpSessions({ store, secrets: 'keyboard cat' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    const message = (error as Error).message;
    expect(message).toMatch(/^secrets: the secret has 12 characters; each needs at least 32/);
    expect(message).toContain("require('node:crypto').randomBytes(32).toString('base64url')");
    expect(message).not.toContain('keyboard cat');
  });

  it('checks every secret of a list and accepts 32 characters', () => {
    const good = 'k'.repeat(32);
    expect(() => createHttpSessions({ store, secrets: [good, 'short'] })).toThrow(
      /^secrets: secret 2 of 2 has 5 characters/,
    );
    expect(() => createHttpSessions({ store, secrets: [good, good] })).not.toThrow();
  });
});
