import type { SessionImporter } from '@sess/core';
import { checkOptionKeys } from '@sess/core/internal';
import { clearCookie, type OldCookieScope } from './clear-cookie.js';
import { connectRedisSession } from './connect-redis-value.js';
import { decodedCookieValue, rawCookieValue } from './cookie-jar-header.js';
import { COOKIE_SIGNATURE, verifySignature } from './hmac-signature.js';
import {
  checkCookieName,
  checkObject,
  checkPrefix,
  checkScope,
  checkSecrets,
  checkSerializer,
  isPlausibleId,
  type OldSerializer,
} from './importer-options.js';

/** express-session + connect-redis, as the app configured them. */
export interface ExpressSessionImportOptions {
  /** express-session's `secret`: every secret its cookies may be signed with (all are tried). */
  secret: string | readonly string[];
  /** express-session's `name`: the cookie's name. @default 'connect.sid' */
  name?: string;
  /** connect-redis' `prefix`: the key is this and the session id. @default 'sess:' */
  prefix?: string;
  /** express-session's `cookie.path` and `cookie.domain`, to clear the old cookie. @default { path: '/' } */
  cookie?: OldCookieScope;
  /** connect-redis' `serializer`, when it was not JSON. @default JSON */
  serializer?: OldSerializer;
}

const NAMES = ['secret', 'name', 'prefix', 'cookie', 'serializer'];

/**
 * Imports express-session + connect-redis sessions: the cookie `connect.sid` holds `s:`, the
 * session id, `.` and its HMAC-SHA256 (cookie-signature), checked with `secret` before any
 * Redis call; the session is the JSON at `sess:<id>`, its data beside `cookie`. Give it as the
 * sess middleware's `migrateFrom` (docs/migrate/from-express-session.md).
 */
export function fromExpressSession(options: ExpressSessionImportOptions): SessionImporter {
  const where = 'fromExpressSession';
  checkObject(options, where, '{ secret: process.env.OLD_SESSION_SECRET }');
  checkOptionKeys(options, { path: where, known: NAMES });
  const secrets = checkSecrets(options.secret, `${where}.secret`, 'express-session');
  const name = checkCookieName(options.name ?? 'connect.sid', `${where}.name`);
  const prefix = checkPrefix(options.prefix ?? 'sess:', `${where}.prefix`);
  const scope = checkScope(options.cookie, `${where}.cookie`);
  const serializer = checkSerializer(options.serializer, `${where}.serializer`);
  return {
    source: 'express-session',
    cookieNames: [name],
    oldSessionId(header) {
      const raw = rawCookieValue(header, name);
      const value = raw === undefined ? undefined : decodedCookieValue(raw);
      // express-session ignores a value without its `s:` mark: so does this.
      if (value === undefined || !value.startsWith('s:')) return undefined;
      const dot = value.lastIndexOf('.');
      if (dot <= 2) return undefined;
      const id = value.slice(2, dot);
      if (!isPlausibleId(id)) return undefined;
      return verifySignature(id, value.slice(dot + 1), secrets, COOKIE_SIGNATURE) ? id : undefined;
    },
    async read(id, context) {
      return connectRedisSession(
        await context.read(`${prefix}${id}`),
        serializer,
        'express-session',
      );
    },
    clearCookies(secureRequest) {
      return [clearCookie(name, scope, secureRequest)];
    },
  };
}
