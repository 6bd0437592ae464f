import { randomBytes } from 'node:crypto';
import { SessError } from './errors.js';

/**
 * 32 random bytes in base64url are 43 characters; the last one carries only 4 bits, so it is
 * one of 16 characters. Checking that too means every accepted id is one `newSessionId` could
 * have produced, and nothing else (no `*`, `{`, `:`, control characters...) reaches a key.
 */
const SESSION_ID = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/**
 * Ids are cut from random bytes fetched for 128 at a time: a call into the CSPRNG costs far
 * more than a slice of a pooled buffer (docs/design/read-path.md). The bytes are the same
 * CSPRNG output either way.
 */
const ID_BYTES = 32;
const POOLED_IDS = 128;
let pool = Buffer.alloc(0);
let offset = 0;

export function newSessionId(): string {
  if (offset + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * POOLED_IDS);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}

export function isValidSessionId(value: unknown): value is string {
  return typeof value === 'string' && value.length === 43 && SESSION_ID.test(value);
}

export function assertSessionId(value: unknown): asserts value is string {
  if (!isValidSessionId(value)) {
    throw new SessError('INVALID_ID', 'not a session id: expected 43 base64url characters');
  }
}
