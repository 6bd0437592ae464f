/** Where the old cookie was set: a Set-Cookie that clears it must name the same path and domain. */
export interface OldCookieScope {
  /** @default '/' */
  path?: string;
  /** @default undefined (the host only) */
  domain?: string;
}

/** The Set-Cookie value that makes a browser drop cookie `name` of `scope`. */
export function clearCookie(name: string, scope: OldCookieScope, secureRequest: boolean): string {
  const parts = [
    `${name}=`,
    `Path=${scope.path ?? '/'}`,
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'Max-Age=0',
  ];
  if (scope.domain !== undefined) parts.push(`Domain=${scope.domain}`);
  // Over HTTPS the old cookie may be `Secure`; a clearing cookie without it would be refused.
  if (secureRequest) parts.push('Secure');
  return parts.join('; ');
}
