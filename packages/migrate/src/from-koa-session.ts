import type { ImportedSession, SessionImporter } from '@sess/core';
import { checkOptionKeys } from '@sess/core/internal';
import { clearCookie, type OldCookieScope } from './clear-cookie.js';
import { rawCookieValue, unquoted } from './cookie-jar-header.js';
import { KEYGRIP, verifySignature } from './hmac-signature.js';
import {
  checkCookieName,
  checkObject,
  checkOldStore,
  checkSecrets,
  isPlausibleId,
  type OldSerializer,
} from './importer-options.js';
import { dataWithout, sessionObject, timeOf } from './old-session-data.js';

/** koa-session + koa-redis, as the app configured them. */
export interface KoaSessionImportOptions {
  /** The app's `app.keys`: every key its cookies may be signed with (Keygrip; all are tried). */
  keys: string | readonly string[];
  /** koa-session's `key`: the cookie's name (its signature is `<key>.sig`). @default 'koa.sess' */
  key?: string;
  /** What the store put before the external key in its Redis key (koa-redis: nothing). @default '' */
  prefix?: string;
  /** koa-session's `path` and `domain`, to clear the old cookies. @default { path: '/' } */
  cookie?: OldCookieScope;
  /** koa-redis' `unserialize`, when it was not JSON. @default JSON */
  serializer?: OldSerializer;
}

const NAMES = ['keys', 'key', 'prefix', 'cookie', 'serializer'];
/** koa-session's own fields in the stored value. */
const KOA_FIELDS = ['_expire', '_maxAge', '_session'];

/**
 * Imports koa-session sessions stored by koa-redis: the cookie `koa.sess` holds the external
 * key, and `koa.sess.sig` its Keygrip signature (HMAC-SHA1 of `koa.sess=<key>` with
 * `app.keys`), checked before any Redis call; the session is the JSON at the external key, with
 * `_expire` and `_maxAge` (docs/migrate/from-koa-session.md).
 */
export function fromKoaSession(options: KoaSessionImportOptions): SessionImporter {
  const where = 'fromKoaSession';
  checkObject(options, where, '{ keys: app.keys }');
  checkOptionKeys(options, { path: where, known: NAMES });
  const keys = checkSecrets(options.keys, `${where}.keys`, 'koa (app.keys)');
  const name = checkCookieName(options.key ?? 'koa.sess', `${where}.key`);
  const { prefix, scope, serializer } = checkOldStore(options, where, '');
  const signatureName = `${name}.sig`;
  return {
    source: 'koa-session',
    cookieNames: [name, signatureName],
    oldSessionId(header) {
      const rawValue = rawCookieValue(header, name);
      const rawSignature = rawCookieValue(header, signatureName);
      if (rawValue === undefined || rawSignature === undefined) return undefined;
      const value = unquoted(rawValue);
      const signature = unquoted(rawSignature);
      if (!isPlausibleId(value)) return undefined;
      return verifySignature(`${name}=${value}`, signature, keys, KEYGRIP) ? value : undefined;
    },
    async read(externalKey, context) {
      const text = await context.read(`${prefix}${externalKey}`);
      if (text === null) return undefined;
      const session = sessionObject(serializer.parse(text), 'koa-session');
      const imported: ImportedSession = {
        data: dataWithout(session, KOA_FIELDS),
        expiresAt: timeOf(session._expire),
        maxAge:
          session._session === true
            ? null
            : typeof session._maxAge === 'number'
              ? session._maxAge
              : undefined,
      };
      return imported;
    },
    clearCookies(secureRequest) {
      return [
        clearCookie(name, scope, secureRequest),
        clearCookie(signatureName, scope, secureRequest),
      ];
    },
  };
}
