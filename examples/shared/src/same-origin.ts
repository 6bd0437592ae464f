/**
 * True when a form post comes from another origin. SameSite=Lax already keeps the session
 * cookie off cross-site posts, but "same site" includes sibling subdomains, and a forged
 * sign-in needs no cookie at all (login CSRF): browsers send `Origin` on every POST, so compare
 * it with the host the request was sent to. Clients that send no `Origin` (curl, tests) pass.
 */
export function isCrossOriginPost(
  method: string | undefined,
  origin: string | undefined,
  host: string | undefined,
): boolean {
  if (method !== 'POST' || origin === undefined) return false;
  if (origin === 'null') return true;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
