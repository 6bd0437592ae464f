import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { SessError } from './errors.js';

/** base64url of the 32 bytes of an HMAC-SHA256. */
const SIGNATURE_LENGTH = 43;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/** What a verified cookie value carries. */
export interface VerifiedValue {
  readonly id: string;
  /** Verified with a secret other than the first: send the cookie again, signed with the first. */
  readonly stale: boolean;
}

/**
 * Signs session ids with HMAC-SHA256 so a cookie value can be checked without asking Redis.
 * A list of secrets allows rotation: the first signs, every one verifies.
 */
export class CookieSigner {
  /**
   * The secrets as key objects, made once: `createHmac` with a string converts and checks the
   * key on every call, and a new session's cookie is signed on every first write.
   */
  readonly #keys: readonly KeyObject[];

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) {
      throw new SessError('INVALID_OPTION', 'secrets: expected at least one secret');
    }
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret.length === 0) {
        throw new SessError('INVALID_OPTION', 'secrets: expected non-empty strings');
      }
    }
    this.#keys = secrets.map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
  }

  /** The largest value `sign` produces for an id of `idLength` characters. */
  static signedLength(idLength: number): number {
    return idLength + 1 + SIGNATURE_LENGTH;
  }

  sign(id: string): string {
    return `${id}.${mac(this.#keys[0]!, id)}`;
  }

  /**
   * The id inside `value` if one of the secrets signed it, else null. The signature is compared
   * in constant time; every secret is tried, so the time does not tell which one matched.
   */
  verify(value: string): VerifiedValue | null {
    const dot = value.lastIndexOf('.');
    if (dot <= 0 || value.length - dot - 1 !== SIGNATURE_LENGTH) return null;
    const id = value.slice(0, dot);
    const signature = value.slice(dot + 1);
    // Only the alphabet `sign` produces, so no other string can stand for a valid signature.
    if (!SIGNATURE.test(signature)) return null;
    const given = Buffer.from(signature, 'latin1');
    let matched = -1;
    this.#keys.forEach((key, index) => {
      const expected = Buffer.from(mac(key, id), 'latin1');
      if (timingSafeEqual(given, expected) && matched === -1) matched = index;
    });
    return matched === -1 ? null : { id, stale: matched > 0 };
  }
}

function mac(key: KeyObject, id: string): string {
  return createHmac('sha256', key).update(id).digest('base64url');
}
