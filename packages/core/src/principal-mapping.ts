import { SessError } from './errors.js';
import type { Session } from './session.js';

/**
 * Says who is signed in from the session's data, for applications whose login writes the data
 * itself (Passport writes `passport.user`): the HTTP option `principalFrom`. At the commit of a
 * request that changed the data, sess compares it with the session's principal:
 *
 * - a principal the session does not have yet: a sign-in (a new id; the principal recorded and
 *   indexed; `maxSessionsPerPrincipal` applies), folded into a `regenerate` of the same request;
 * - nobody, where the data named the session's principal when the request began: a sign-out
 *   (the signed-in session ends; what data is left goes on in a new, anonymous one);
 * - nobody, where the principal came from `signIn`: nothing, the principal stays.
 *
 * Must be a pure function of the data, and cheap: it runs at every commit that writes.
 * Return a non-empty string, or undefined (or null) for nobody.
 */
export type PrincipalMapping = (session: Session) => string | null | undefined;

/** `mapping`'s answer for `view`, checked: a non-empty string or undefined. */
export function mapPrincipal(mapping: PrincipalMapping, view: Session): string | undefined {
  const principal: unknown = mapping(view);
  if (principal === undefined || principal === null) return undefined;
  if (typeof principal !== 'string' || principal.length === 0) {
    throw new SessError(
      'INVALID_VALUE',
      `principalFrom: expected a non-empty string, or undefined for nobody; got ${
        typeof principal === 'string' ? 'an empty string' : typeof principal
      } (convert it, e.g. \`String(user.id)\`)`,
    );
  }
  return principal;
}
