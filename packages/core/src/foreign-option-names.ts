import { SECRET_RECIPE } from './cookie-secrets.js';
import type { HttpSessionOptions } from './http-options.js';
import { optionNames } from './option-keys.js';
import type { SessionStoreOptions } from './store-options.js';

/**
 * Option names of express-session, connect-redis, @fastify/session and koa-session, and of one
 * sess options object given to another, each with what to do in sess instead. Configuration
 * carried over from those libraries would otherwise be ignored without a word (a `secret` that
 * signs nothing, a `maxAge` that limits nothing).
 */

const SECRETS = `use \`secrets: ['<at least 32 random characters>']\`, a list: the first signs, all verify (${SECRET_RECIPE})`;
const LIFETIME =
  'the lifetime of a session is set on the store: `createSessionStore({ port, idleTimeout, absoluteTimeout })`, in milliseconds (defaults 1800000, 30 minutes, and 86400000, 24 hours)';
const COOKIE_NAME = "the cookie's name is `cookie: { name }` (default 'sess')";
const SESSION_ID =
  'nothing to set: session ids are always 256 random bits from node:crypto and cannot be replaced';
const ROLLING =
  "nothing to set: sess extends a session's expiry on a request at most once per the store's `touchInterval` (default 60000 ms, 1 minute), and sends the cookie again when it does";

function from(libraries: string, fix: string): string {
  return `not a sess option (${libraries}). ${fix.charAt(0).toUpperCase()}${fix.slice(1)}`;
}

function cookieAttribute(name: string): string {
  return `a cookie attribute (koa-session takes them at the top level). Use \`cookie: { ${name} }\``;
}

/** connect-redis names, wrong on the store and on the HTTP options alike. */
const CONNECT_REDIS: Readonly<Record<string, string>> = {
  client: from(
    'connect-redis',
    'give the store a port instead: `createSessionStore({ port: await createNodeRedisPort({ client }) })` with @sess/node-redis',
  ),
  ttl: from('connect-redis', LIFETIME),
  disableTouch: from(
    'connect-redis',
    "there is no switch: sess extends the expiry at most once per the store's `touchInterval`, so most reads write nothing; for a lifetime that activity does not extend, set `absoluteTimeout`",
  ),
  disableTTL: from(
    'connect-redis',
    "there is no switch: every session gets a Redis TTL of its expiry plus the store's `grace`, so Redis deletes it even when no cleaner runs",
  ),
  scanCount: from(
    'connect-redis',
    'nothing to set: sess never scans, it counts sessions from its expiry index (`store.count()`)',
  ),
};

/** The options of `SessionStoreOptions`, for the messages about them given elsewhere. */
export const STORE_OPTION_NAMES = optionNames<SessionStoreOptions>({
  port: true,
  prefix: true,
  buckets: true,
  idleTimeout: true,
  absoluteTimeout: true,
  lifetimes: true,
  anonymousLifetime: true,
  touchInterval: true,
  grace: true,
  operationTimeout: true,
  serializer: true,
  maxAttributeBytes: true,
  maxSessionBytes: true,
  maxAttributes: true,
  maxSessionsPerPrincipal: true,
  onLimit: true,
  eventStream: true,
  cleaner: true,
  waitForReplicas: true,
  now: true,
  observer: true,
});

/** The options of `HttpSessionOptions`, for the messages about them given elsewhere. */
export const HTTP_OPTION_NAMES = optionNames<HttpSessionOptions>({
  store: true,
  secrets: true,
  cookie: true,
  trustProxy: true,
  cacheControl: true,
  onUnavailable: true,
  token: true,
  devices: true,
  principalFrom: true,
  migrateFrom: true,
});

/** What `HttpSessionOptions` (and so every adapter's options) says about names it does not take. */
export const HTTP_OPTIONS_INSTEAD: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    STORE_OPTION_NAMES.map((name) => [
      name,
      `an option of the store, not of the HTTP sessions: \`createSessionStore({ port, ${name} })\`, then pass the store as \`store\``,
    ]),
  ),
  ...CONNECT_REDIS,
  secret: from('express-session, @fastify/session', SECRETS),
  resave: from(
    'express-session',
    'nothing to set: sess writes only the attributes that changed, and the new expiry when a touch is due',
  ),
  saveUninitialized: from(
    'express-session, @fastify/session',
    'nothing to set: sess creates a session at its first write, and a request that writes nothing costs no Redis call',
  ),
  rolling: from('express-session, @fastify/session, koa-session', ROLLING),
  renew: from(
    'koa-session',
    "nothing to set: a touch extends the expiry to the store's `idleTimeout` from now, up to its `absoluteTimeout` after the session was created",
  ),
  proxy: from(
    'express-session',
    'use `trustProxy`: `true`, a hop count, or `(address, hop) => boolean`',
  ),
  genid: from('express-session, koa-session', SESSION_ID),
  idGenerator: from('@fastify/session', SESSION_ID),
  name: from('express-session', COOKIE_NAME),
  key: from('koa-session', COOKIE_NAME),
  cookieName: from('@fastify/session', COOKIE_NAME),
  cookiePrefix: from(
    '@fastify/session',
    'nothing to set: the cookie holds the bare id, or with `secrets` the id, `.` and its signature; the `__Host-` prefix of the name is `cookie.hostPrefix`',
  ),
  unset: from(
    'express-session',
    'a session ends only with `session.destroy()` or `session.signOut()`, never by unsetting the request property',
  ),
  maxAge: from(
    'koa-session',
    `${LIFETIME}; for a cookie that ends with the browser, \`cookie: { persistent: false }\``,
  ),
  autoCommit: from(
    'koa-session',
    'nothing to set: the middleware commits when the response goes out, writing only what changed',
  ),
  overwrite: from(
    'koa-session',
    'nothing to set: sess adds its Set-Cookie to those the app set, once per response',
  ),
  signed: from(
    'koa-session',
    `the cookie is signed (HMAC-SHA256) when \`secrets\` is set: ${SECRETS}`,
  ),
  externalKey: from(
    'koa-session',
    'nothing to set: sess reads the session id from its cookie only',
  ),
  ContextStore: from(
    'koa-session',
    'sessions live in Redis through `store`, a store from `createSessionStore({ port })`',
  ),
  encode: from(
    'koa-session',
    "the cookie holds only the session id; attribute values are encoded by the store's `serializer` option",
  ),
  decode: from(
    'koa-session',
    "the cookie holds only the session id; attribute values are decoded by the store's `serializer` option",
  ),
  valid: from(
    'koa-session',
    'check the session in a middleware after the session middleware, and call `session.destroy()` when it is not valid',
  ),
  beforeSave: from(
    'koa-session',
    'change attributes in a middleware or handler before the response; sess saves what changed',
  ),
  httpOnly: cookieAttribute('httpOnly'),
  secure: cookieAttribute('secure'),
  sameSite: cookieAttribute('sameSite'),
  domain: cookieAttribute('domain'),
  path: cookieAttribute('path'),
};

/** What `cookie` of `HttpSessionOptions` says about names it does not take. */
export const COOKIE_OPTIONS_INSTEAD: Readonly<Record<string, string>> = {
  maxAge: from(
    'express-session, @fastify/session',
    `the cookie follows the session's expiry (with \`persistent: true\`, the default); ${LIFETIME}`,
  ),
  expires: from(
    'express-session, @fastify/session',
    `the cookie follows the session's expiry (with \`persistent: true\`, the default); ${LIFETIME}`,
  ),
  originalMaxAge: from(
    'express-session',
    `the cookie follows the session's expiry (with \`persistent: true\`, the default); ${LIFETIME}`,
  ),
  signed: from(
    'express-session, @fastify/session',
    `the cookie is signed (HMAC-SHA256) when the top-level \`secrets\` is set: ${SECRETS}`,
  ),
  secret: from('express-session, @fastify/session', `at the top level, ${SECRETS}`),
};

/** What `SessionStoreOptions` says about names it does not take. */
export const STORE_OPTIONS_INSTEAD: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    HTTP_OPTION_NAMES.map((name) => [
      name,
      `an option of the HTTP sessions (what the middleware or plugin takes: \`session({ store, ${name} })\`), not of the store`,
    ]),
  ),
  ...CONNECT_REDIS,
  secret: from(
    'express-session, @fastify/session',
    `the HTTP sessions (what the middleware or plugin takes) sign cookies: ${SECRETS}`,
  ),
  maxAge: from('koa-session', LIFETIME),
  rolling: from('express-session, @fastify/session, koa-session', ROLLING),
};
