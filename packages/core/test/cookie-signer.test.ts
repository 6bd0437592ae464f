import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CookieSigner } from '../src/cookie-signer.js';
import { newSessionId } from '../src/session-id.js';

describe('CookieSigner', () => {
  const id = newSessionId();

  it('signs with the first secret and verifies with any of them', () => {
    const old = new CookieSigner(['old-secret']);
    const rotated = new CookieSigner(['new-secret', 'old-secret']);
    const signed = rotated.sign(id);
    expect(signed).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(rotated.verify(signed)).toEqual({ id, stale: false });
    expect(rotated.verify(old.sign(id))).toEqual({ id, stale: true });
    expect(old.verify(signed)).toBeNull();
  });

  it('refuses tampered, truncated, unsigned and re-encoded values', () => {
    const signer = new CookieSigner(['s']);
    const signed = signer.sign(id);
    const other = newSessionId();
    expect(signer.verify(`${other}${signed.slice(43)}`)).toBeNull();
    expect(signer.verify(signed.slice(0, -1))).toBeNull();
    expect(signer.verify(`${signed}A`)).toBeNull();
    expect(signer.verify(id)).toBeNull();
    expect(signer.verify(`${id}.`)).toBeNull();
    // A character whose low byte equals a valid one must not pass for it.
    const last = signed.at(-1)!;
    const lookalike = String.fromCharCode(last.charCodeAt(0) + 0x100);
    expect(signer.verify(`${signed.slice(0, -1)}${lookalike}`)).toBeNull();
  });

  it("signs with HMAC-SHA256 of the id under the secret's UTF-8 bytes, as before", () => {
    for (const secret of ['s', 'bench-only secret, 32+ characters long', 'clé-é-🔑'.repeat(10)]) {
      const expected = createHmac('sha256', secret).update(id).digest('base64url');
      expect(new CookieSigner([secret]).sign(id)).toBe(`${id}.${expected}`);
    }
  });

  it('needs at least one non-empty secret', () => {
    expect(() => new CookieSigner([])).toThrow(/secrets/);
    expect(() => new CookieSigner([''])).toThrow(/secrets/);
  });
});
