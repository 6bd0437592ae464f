import { SessError } from './errors.js';
import { checkOptionKeys, optionNames } from './option-keys.js';
import type { PrincipalMapping } from './principal-mapping.js';
import type { Session } from './session.js';

export interface PassportPrincipalOptions {
  /** Where Passport keeps its data in the session (Passport's own `key` option). @default 'passport' */
  key?: string;
  /**
   * The principal of a serialized user. Needed when `serializeUser` gives an object; strings are
   * taken as they are and numbers as their decimal text otherwise.
   */
  principal?: (user: unknown) => string | null | undefined;
}

const OPTION_NAMES = optionNames<PassportPrincipalOptions>({ key: true, principal: true });

/**
 * A `principalFrom` for Passport apps: the user `serializeUser` wrote, as Passport (Express,
 * koa-passport) keeps it in `session.passport.user` and @fastify/passport in `session.passport`.
 *
 * ```ts
 * session({ store, secrets, principalFrom: passportPrincipal() })
 * ```
 */
export function passportPrincipal(options: PassportPrincipalOptions = {}): PrincipalMapping {
  if (options === null || typeof options !== 'object') {
    throw new SessError(
      'INVALID_OPTION',
      'passportPrincipal: expected an options object or nothing',
    );
  }
  checkOptionKeys(options, { path: 'passportPrincipal', known: OPTION_NAMES });
  const key = options.key ?? 'passport';
  const convert = options.principal;
  if (typeof key !== 'string' || key.length === 0) {
    throw new SessError('INVALID_OPTION', 'passportPrincipal: `key` is a non-empty string');
  }
  if (convert !== undefined && typeof convert !== 'function') {
    throw new SessError(
      'INVALID_OPTION',
      'passportPrincipal: `principal` is a function from the serialized user to a string',
    );
  }
  return (session: Session) => {
    const user = serializedUser((session as unknown as Record<string, unknown>)[key]);
    if (user === undefined || user === null) return undefined;
    if (convert !== undefined) return convert(user);
    if (typeof user === 'string') return user;
    if (typeof user === 'number' || typeof user === 'bigint') return String(user);
    throw new SessError(
      'INVALID_VALUE',
      `passportPrincipal: the serialized user is ${typeof user === 'object' ? 'an object' : `a ${typeof user}`}; pass \`principal: (user) => String(user.id)\` to say which of it names the user`,
    );
  };
}

/** Passport's `{ user }` holder, or @fastify/passport's value itself. */
function serializedUser(stored: unknown): unknown {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return stored;
  if (Object.hasOwn(stored, 'user')) return (stored as { user: unknown }).user;
  // Passport's holder after a logout: `{}`.
  return Object.keys(stored).length === 0 ? undefined : stored;
}
