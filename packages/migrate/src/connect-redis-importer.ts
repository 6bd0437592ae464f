import type { SessionImporter } from '@sess/core';
import { clearCookie, type OldCookieScope } from './clear-cookie.js';
import { connectRedisSession } from './connect-redis-value.js';
import { decodedCookieValue, rawCookieValue } from './cookie-jar-header.js';
import { type SignatureScheme, verifySignature } from './hmac-signature.js';
import { isPlausibleId, type OldSerializer } from './importer-options.js';

/** What tells one library's connect-redis sessions apart, its options checked. */
export interface ConnectRedisImport {
  /** The library, for metrics and messages. */
  readonly source: string;
  /** The cookie's name. */
  readonly name: string;
  /** What the cookie's value starts with before the id (`s:` for express-session). */
  readonly mark: string;
  readonly secrets: readonly string[];
  readonly scheme: SignatureScheme;
  /** connect-redis' key prefix. */
  readonly prefix: string;
  readonly scope: OldCookieScope;
  readonly serializer: OldSerializer;
}

/**
 * An importer of sessions that connect-redis stored for a library whose cookie holds `mark`, the
 * session id, `.` and its HMAC: the signature is checked before any Redis call, then the JSON at
 * `prefix` + id is read.
 */
export function connectRedisImporter(old: ConnectRedisImport): SessionImporter {
  return {
    source: old.source,
    cookieNames: [old.name],
    oldSessionId(header) {
      const raw = rawCookieValue(header, old.name);
      const value = raw === undefined ? undefined : decodedCookieValue(raw);
      // A value without its mark is not one the library signed: ignored, as it would.
      if (value === undefined || !value.startsWith(old.mark)) return undefined;
      const signed = value.slice(old.mark.length);
      const dot = signed.lastIndexOf('.');
      if (dot <= 0) return undefined;
      const id = signed.slice(0, dot);
      if (!isPlausibleId(id)) return undefined;
      return verifySignature(id, signed.slice(dot + 1), old.secrets, old.scheme) ? id : undefined;
    },
    async read(id, context) {
      return connectRedisSession(
        await context.read(`${old.prefix}${id}`),
        old.serializer,
        old.source,
      );
    },
    clearCookies(secureRequest) {
      return [clearCookie(old.name, old.scope, secureRequest)];
    },
  };
}
