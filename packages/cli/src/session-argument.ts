import { CookieSigner, isValidSessionId } from '@sess/core/internal';

/** A session named on the command line: a bare id, or the session cookie as a browser shows it. */
export interface SessionArgument {
  readonly id: string;
  /** The cookie's value `<id>.<signature>`, when a signed value was given. */
  readonly signed: string | undefined;
}

/**
 * What is known of the signature: `none` (a bare id carries none), `unchecked` (signed, but no
 * secret to check it with), `valid` (signed with the first secret), `stale` (with a later one:
 * the application accepts it and sends it again signed with the first).
 */
export type SignatureState = 'none' | 'unchecked' | 'valid' | 'stale';

/** The signed value: the id, `.`, and 43 base64url characters of HMAC-SHA256. */
const SIGNED = /^([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{43}$/;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const SESSION_ARGUMENT_HELP =
  "expected a session id (43 base64url characters) or the session cookie's value as a browser " +
  'shows it (<id>.<signature>, with or without "<name>=" in front)';

/**
 * Reads a session id from what a person pastes: the id; the cookie's value, signed; either with
 * the cookie's name in front (`sess=…`, `__Host-sess=…`), URL-encoded, quoted, or as a whole
 * `Cookie` / `Set-Cookie` line. Among several cookies, the one session value is taken; `undefined`
 * when there is none, or more than one.
 */
export function parseSessionArgument(text: string): SessionArgument | undefined {
  let decoded = text.trim();
  if (decoded.includes('%')) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return undefined;
    }
  }
  decoded = decoded.replace(/^(set-)?cookie:\s*/i, '');
  const found = decoded
    .split(';')
    .map((part) => sessionValue(part.trim()))
    .filter((argument) => argument !== undefined);
  return found.length === 1 ? found[0] : undefined;
}

function sessionValue(pair: string): SessionArgument | undefined {
  const equals = pair.indexOf('=');
  if (equals !== -1 && !COOKIE_NAME.test(pair.slice(0, equals))) return undefined;
  let value = pair.slice(equals + 1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (isValidSessionId(value)) return { id: value, signed: undefined };
  const id = SIGNED.exec(value)?.[1];
  return id !== undefined && isValidSessionId(id) ? { id, signed: value } : undefined;
}

/**
 * Checks a signed value against the application's secrets (the first signs, every one is
 * accepted, as the application does); `undefined` when none of them signed it.
 */
export function checkSignature(
  argument: SessionArgument,
  secrets: readonly string[],
): SignatureState | undefined {
  if (argument.signed === undefined) return 'none';
  if (secrets.length === 0) return 'unchecked';
  const verified = new CookieSigner(secrets).verify(argument.signed);
  if (verified === null || verified.id !== argument.id) return undefined;
  return verified.stale ? 'stale' : 'valid';
}
