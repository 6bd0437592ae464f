import { createHmac, timingSafeEqual } from 'node:crypto';

/** What the old libraries' signatures are made of: an HMAC algorithm and its text form. */
export interface SignatureScheme {
  /** `sha256` (cookie-signature, @fastify/cookie), `sha1` (Keygrip's default). */
  readonly algorithm: string;
  /** base64 without padding (cookie-signature), or its URL-safe form (Keygrip). */
  readonly encoding: 'base64' | 'base64url';
}

/** cookie-signature (express-session) and @fastify/cookie's signer. */
export const COOKIE_SIGNATURE: SignatureScheme = { algorithm: 'sha256', encoding: 'base64' };
/** Keygrip as koa's `cookies` signs with it by default. */
export const KEYGRIP: SignatureScheme = { algorithm: 'sha1', encoding: 'base64url' };

/**
 * Whether one of `secrets` signed `data` into `signature`. Every secret is tried, each
 * comparison in constant time, so the time does not tell which secret matched or how much of
 * the signature did.
 */
export function verifySignature(
  data: string,
  signature: string,
  secrets: readonly string[],
  scheme: SignatureScheme,
): boolean {
  const given = Buffer.from(signature, 'latin1');
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(sign(data, secret, scheme), 'latin1');
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

function sign(data: string, secret: string, scheme: SignatureScheme): string {
  const digest = createHmac(scheme.algorithm, secret).update(data).digest('base64');
  const unpadded = digest.replace(/=+$/, '');
  return scheme.encoding === 'base64' ? unpadded : unpadded.replace(/\+/g, '-').replace(/\//g, '_');
}
