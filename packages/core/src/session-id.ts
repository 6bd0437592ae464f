import { randomBytes } from 'node:crypto';
import { SessError } from './errors.js';

/**
 * 32 random bytes in base64url are 43 characters; the last one carries only 4 bits, so it is
 * one of 16 characters. Checking that too means every accepted id is one `newSessionId` could
 * have produced, and nothing else (no `*`, `{`, `:`, control characters...) reaches a key.
 */
const SESSION_ID = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export function isValidSessionId(value: unknown): value is string {
  return typeof value === 'string' && value.length === 43 && SESSION_ID.test(value);
}

export function assertSessionId(value: unknown): asserts value is string {
  if (!isValidSessionId(value)) {
    throw new SessError('INVALID_ID', 'not a session id: expected 43 base64url characters');
  }
}
