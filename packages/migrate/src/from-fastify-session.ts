import { SessError, type SessionImporter } from '@sess/core';
import { checkOptionKeys } from '@sess/core/internal';
import type { OldCookieScope } from './clear-cookie.js';
import { connectRedisImporter } from './connect-redis-importer.js';
import {
  checkCookieName,
  checkObject,
  checkOldStore,
  checkPrefix,
  checkSecrets,
  type OldSerializer,
} from './importer-options.js';

/** @fastify/session + connect-redis, as the app configured them. */
export interface FastifySessionImportOptions {
  /** @fastify/session's `secret`: every secret its cookies may be signed with (all are tried). */
  secret: string | readonly string[];
  /** @fastify/session's `cookieName`. @default 'sessionId' */
  cookieName?: string;
  /** @fastify/session's `cookiePrefix`, before the signed value. @default '' */
  cookiePrefix?: string;
  /** @fastify/session's `algorithm` of the signature. @default 'sha256' */
  algorithm?: string;
  /** connect-redis' `prefix`: the key is this and the session id. @default 'sess:' */
  prefix?: string;
  /** @fastify/session's `cookie.path` and `cookie.domain`, to clear the old cookie. @default { path: '/' } */
  cookie?: OldCookieScope;
  /** connect-redis' `serializer`, when it was not JSON. @default JSON */
  serializer?: OldSerializer;
}

const NAMES = [
  'secret',
  'cookieName',
  'cookiePrefix',
  'algorithm',
  'prefix',
  'cookie',
  'serializer',
];

/**
 * Imports @fastify/session sessions stored by connect-redis: the cookie `sessionId` holds the
 * session id, `.` and its HMAC (@fastify/cookie's signer), checked with `secret` before any
 * Redis call; the session is the JSON at `sess:<id>`, its data beside `cookie`
 * (docs/migrate/from-fastify-session.md).
 */
export function fromFastifySession(options: FastifySessionImportOptions): SessionImporter {
  const where = 'fromFastifySession';
  checkObject(options, where, '{ secret: process.env.OLD_SESSION_SECRET }');
  checkOptionKeys(options, { path: where, known: NAMES });
  const secrets = checkSecrets(options.secret, `${where}.secret`, '@fastify/session');
  const name = checkCookieName(options.cookieName ?? 'sessionId', `${where}.cookieName`);
  const cookiePrefix = checkPrefix(options.cookiePrefix ?? '', `${where}.cookiePrefix`);
  const algorithm = options.algorithm ?? 'sha256';
  if (typeof algorithm !== 'string' || !/^sha(1|256|384|512)$/.test(algorithm)) {
    throw new SessError(
      'INVALID_OPTION',
      `${where}.algorithm: 'sha256' (the default), 'sha1', 'sha384' or 'sha512'`,
    );
  }
  const { prefix, scope, serializer } = checkOldStore(options, where, 'sess:');
  const scheme = { algorithm, encoding: 'base64' } as const;
  return connectRedisImporter({
    source: '@fastify/session',
    name,
    mark: cookiePrefix,
    secrets,
    scheme,
    prefix,
    scope,
    serializer,
  });
}
