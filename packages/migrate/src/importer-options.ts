import { SessError } from '@sess/core';
import { checkOptionKeys } from '@sess/core/internal';
import type { OldCookieScope } from './clear-cookie.js';

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
const SCOPE_NAMES = ['path', 'domain'];

export function checkObject(options: unknown, where: string, example: string): void {
  if (options === null || typeof options !== 'object') {
    throw new SessError('INVALID_OPTION', `${where}: expected an options object, e.g. ${example}`);
  }
}

/** The secrets an old library signed with: a non-empty string, or a non-empty list of them. */
export function checkSecrets(value: unknown, where: string, library: string): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((secret) => typeof secret === 'string' && secret.length > 0)
  ) {
    throw new SessError(
      'INVALID_OPTION',
      `${where}: the secret(s) ${library} signed its cookies with, a string or a list (all are tried)`,
    );
  }
  return [...(list as string[])];
}

export function checkCookieName(value: unknown, where: string): string {
  if (typeof value !== 'string' || !COOKIE_NAME.test(value)) {
    throw new SessError('INVALID_OPTION', `${where}: a cookie name`);
  }
  return value;
}

export function checkPrefix(value: unknown, where: string): string {
  if (typeof value !== 'string') {
    throw new SessError(
      'INVALID_OPTION',
      `${where}: a string put before the session id in the key`,
    );
  }
  return value;
}

export function checkScope(value: unknown, where: string): OldCookieScope {
  if (value === undefined) return {};
  checkObject(value, where, "{ path: '/', domain: 'example.com' }");
  checkOptionKeys(value as object, { path: where, known: SCOPE_NAMES });
  const scope = value as OldCookieScope;
  if (scope.path !== undefined && (typeof scope.path !== 'string' || !scope.path.startsWith('/'))) {
    throw new SessError(
      'INVALID_OPTION',
      `${where}.path: the old cookie's path, starting with '/'`,
    );
  }
  if (
    scope.domain !== undefined &&
    (typeof scope.domain !== 'string' || scope.domain.length === 0)
  ) {
    throw new SessError('INVALID_OPTION', `${where}.domain: the old cookie's domain`);
  }
  return { ...scope };
}

/** How the old store turned a session into a string: JSON unless told otherwise. */
export interface OldSerializer {
  parse(text: string): unknown;
}

export function checkSerializer(value: unknown, where: string): OldSerializer {
  if (value === undefined) return JSON;
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { parse?: unknown }).parse !== 'function'
  ) {
    throw new SessError(
      'INVALID_OPTION',
      `${where}: an object with \`parse(text)\`, as the old store's serializer`,
    );
  }
  return value as OldSerializer;
}

/** Where and how the old store kept sessions, and the old cookie's scope: options of every importer. */
export interface OldStoreOptions {
  readonly prefix?: unknown;
  readonly cookie?: unknown;
  readonly serializer?: unknown;
}

/** `prefix` (else `defaultPrefix`), `cookie` and `serializer` of `options`, checked in that order. */
export function checkOldStore(
  options: OldStoreOptions,
  where: string,
  defaultPrefix: string,
): { prefix: string; scope: OldCookieScope; serializer: OldSerializer } {
  return {
    prefix: checkPrefix(options.prefix ?? defaultPrefix, `${where}.prefix`),
    scope: checkScope(options.cookie, `${where}.cookie`),
    serializer: checkSerializer(options.serializer, `${where}.serializer`),
  };
}

/** The old session id's shape: what an id generator makes, and nothing that could reach further. */
export function isPlausibleId(id: string): boolean {
  return id.length > 0 && id.length <= 256 && /^[\x21-\x7e]+$/.test(id);
}
