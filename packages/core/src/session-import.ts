import { toSessError } from './deadline.js';
import { isSessError, SessError } from './errors.js';
import type { ResolvedHttpOptions } from './http-options.js';
import { lifetimeForMaxAge } from './lifetime-for-max-age.js';
import { DEFAULT_LIFETIME } from './lifetime-policy.js';
import { quietly } from './observer.js';
import { mapPrincipal } from './principal-mapping.js';
import { ReadOnlyBackend } from './read-only-backend.js';
import { createSessionView, isSessionApiName, type SessionDialect } from './session.js';
import type { ImportedSession, SessionImporter } from './session-importer.js';
import { assertAttributeName, type SessionRecord } from './session-record.js';
import { READ_FOREIGN } from './session-store.js';

/** What a request with another library's cookie comes to. */
export interface ImportOutcome {
  /** The new sess session, or null when there was nothing to import. */
  readonly record: SessionRecord | null;
  /** Set-Cookie values clearing the old cookies: none when they are left for a later try. */
  readonly clearCookies: readonly string[];
}

/**
 * The importer whose cookie a request carries validly signed, with the old session's id:
 * undefined for a request with none (no I/O either way).
 */
export function findOldSession(
  importers: readonly SessionImporter[],
  cookieHeader: string | undefined,
): { importer: SessionImporter; oldId: string } | undefined {
  if (typeof cookieHeader !== 'string' || cookieHeader.length === 0) return undefined;
  for (const importer of importers) {
    let oldId: string | undefined;
    try {
      oldId = importer.oldSessionId(cookieHeader);
    } catch {
      oldId = undefined;
    }
    if (typeof oldId === 'string' && oldId.length > 0) return { importer, oldId };
  }
  return undefined;
}

/**
 * Reads the old session and creates its sess session: one read, one creation. Rejects with
 * `UNAVAILABLE` when Redis does not answer (the caller applies `onUnavailable`). Any other
 * failure is reported to the observer and comes to no session, the old cookie left alone.
 */
export async function importOldSession(
  options: ResolvedHttpOptions,
  dialect: SessionDialect | undefined,
  importer: SessionImporter,
  oldId: string,
  secure: boolean,
): Promise<ImportOutcome> {
  const store = options.store;
  const observer = store.options.observer;
  try {
    const imported = await importer.read(oldId, {
      read: (key) => store[READ_FOREIGN](key),
      now: store.options.now(),
    });
    const clearCookies = importer.clearCookies(secure);
    if (imported === undefined) return { record: null, clearCookies };
    const { attributes, dropped } = importableAttributes(imported, options, dialect);
    const principal = principalOf(options, attributes);
    const lifetime =
      imported.maxAge === undefined
        ? undefined
        : lifetimeForMaxAge(
            store.options.lifetimes,
            imported.maxAge,
            principal === undefined ? store.options.anonymousLifetime : DEFAULT_LIFETIME,
            options.cookie.persistent,
          );
    const record = await store.importSession(attributes, {
      principal,
      lifetime,
      createdAt: imported.createdAt,
      expiresAt: imported.expiresAt,
    });
    if (record !== null && observer?.sessionImported) {
      const report = { source: importer.source, id: record.id, principal, dropped };
      quietly(() => observer.sessionImported?.(report));
    }
    return { record, clearCookies };
  } catch (error) {
    if (isSessError(error, 'UNAVAILABLE')) throw error;
    const reported = toSessError(error, 'import');
    if (observer?.sessionImportFailed) {
      quietly(() => observer.sessionImportFailed?.(importer.source, reported));
    }
    return { record: null, clearCookies: [] };
  }
}

/**
 * The old data sess can hold, and the names it cannot: reserved names (the session API, the
 * adapter's dialect, `#...`) and values the serializer refuses.
 */
function importableAttributes(
  imported: ImportedSession,
  options: ResolvedHttpOptions,
  dialect: SessionDialect | undefined,
): { attributes: Record<string, unknown>; dropped: string[] } {
  const serializer = options.store.options.serializer;
  const attributes: Record<string, unknown> = Object.create(null);
  const dropped: string[] = [];
  const data = imported.data;
  if (data === null || typeof data !== 'object') {
    throw new SessError('INVALID_VALUE', 'import: the importer gave no data object');
  }
  for (const [name, value] of Object.entries(data)) {
    if (value === undefined) continue;
    try {
      assertAttributeName(name);
      if (isSessionApiName(name, dialect)) throw new SessError('INVALID_NAME', name);
      serializer.stringify(value);
    } catch {
      dropped.push(name);
      continue;
    }
    attributes[name] = value;
  }
  return { attributes, dropped };
}

/** The principal `principalFrom` reads in the imported data. */
function principalOf(
  options: ResolvedHttpOptions,
  attributes: Record<string, unknown>,
): string | undefined {
  const mapping = options.principalFrom;
  if (mapping === undefined) return undefined;
  const record = options.store.new(attributes);
  return mapPrincipal(mapping, createSessionView(new ReadOnlyBackend(record, 'current')));
}
