import type { ImportedSession } from '@sess/core';
import type { OldSerializer } from './importer-options.js';
import { dataWithout, sessionObject, timeOf } from './old-session-data.js';

/**
 * A session as connect-redis stores it for express-session and @fastify/session: the session
 * object serialized (JSON by default), its data beside `cookie`, which holds `expires` (a
 * Date's JSON, or null for a browser-session cookie) and `originalMaxAge`.
 */
export function connectRedisSession(
  text: string | null,
  serializer: OldSerializer,
  library: string,
): ImportedSession | undefined {
  if (text === null) return undefined;
  const session = sessionObject(serializer.parse(text), library);
  const cookie = session.cookie;
  let expiresAt: number | undefined;
  let maxAge: number | null | undefined;
  if (cookie !== null && typeof cookie === 'object') {
    const { expires, originalMaxAge } = cookie as Record<string, unknown>;
    expiresAt = timeOf(expires);
    if (typeof originalMaxAge === 'number' && originalMaxAge > 0) maxAge = originalMaxAge;
    else if (expires === null || expires === undefined) maxAge = null;
  }
  return { data: dataWithout(session, ['cookie']), expiresAt, maxAge };
}
