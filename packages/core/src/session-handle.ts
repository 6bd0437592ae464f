import { createHash } from 'node:crypto';

/** 22 base64url characters: 132 bits of a SHA-256, far past any collision among one user's sessions. */
const HANDLE_LENGTH = 22;
const HANDLE = /^[A-Za-z0-9_-]{22}$/;

/**
 * The name a "your devices" page uses for a session: `listSessions()` gives it, `revokeSession`
 * takes it. A session id in a page would hand the session to whoever reads the page (a shared
 * screen, a cache, a script injected into it); a handle only names it, and only to its own
 * principal, since `revokeSession` looks for it among the principal's sessions alone.
 *
 * A digest of the id under a label of its own: ids are 256 random bits, so no one can compute
 * an id from its handle, nor find the handle of an id they do not hold; and every instance
 * computes the same handle with no key to share or rotate.
 */
export function sessionHandle(id: string): string {
  return createHash('sha256')
    .update(`sess session handle\0${id}`)
    .digest('base64url')
    .slice(0, HANDLE_LENGTH);
}

/** Whether `value` has the shape of a handle (no promise that it names a session). */
export function isSessionHandle(value: unknown): value is string {
  return typeof value === 'string' && HANDLE.test(value);
}
