import type { SessionImporter } from '@sess/core';
import { checkOptionKeys } from '@sess/core/internal';
import type { OldCookieScope } from './clear-cookie.js';
import { connectRedisImporter } from './connect-redis-importer.js';
import { COOKIE_SIGNATURE } from './hmac-signature.js';
import {
  checkCookieName,
  checkObject,
  checkOldStore,
  checkSecrets,
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
  const { prefix, scope, serializer } = checkOldStore(options, where, 'sess:');
  return connectRedisImporter({
    source: 'express-session',
    name,
    // express-session's cookie: `s:`, the id, `.` and its HMAC-SHA256 (cookie-signature).
    mark: 's:',
    secrets,
    scheme: COOKIE_SIGNATURE,
    prefix,
    scope,
    serializer,
  });
}
