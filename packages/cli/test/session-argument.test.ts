import { CookieSigner, newSessionId } from '@sess/core/internal';
import { describe, expect, it } from 'vitest';
import { checkSignature, parseSessionArgument } from '../src/session-argument.js';

const id = newSessionId();
const signed = new CookieSigner(['current', 'older']).sign(id);

describe('parseSessionArgument', () => {
  it('takes a bare id, and a signed cookie value in the shapes a browser shows it', () => {
    expect(parseSessionArgument(id)).toEqual({ id, signed: undefined });
    for (const text of [
      signed,
      ` ${signed}\n`,
      `sess=${signed}`,
      `__Host-sess=${signed}`,
      `__Host-sess="${signed}"`,
      `__Host-sess=${signed.replace('.', '%2E')}`,
      encodeURIComponent(`__Host-sess=${signed}`).replace(
        /[-_.]/g,
        (c) => `%${c.charCodeAt(0).toString(16)}`,
      ),
      `theme=dark; __Host-sess=${signed}; lang=en`,
      `Cookie: theme=dark; sess=${signed}`,
      `Set-Cookie: __Host-sess=${signed}; Path=/; Secure; HttpOnly; SameSite=Lax`,
    ]) {
      expect(parseSessionArgument(text), text).toEqual({ id, signed });
    }
  });

  it('refuses what holds no session id, or two', () => {
    for (const text of [
      '',
      'sess:s:{x}',
      id.slice(1),
      `${id}.`,
      `${signed}x`,
      `${id}.${'!'.repeat(43)}`,
      `s:${signed}`, // another library's signed format
      `a b=${signed}`,
      `sess=${signed}%`, // a broken escape
      `a=${signed}; b=${signed}`,
    ]) {
      expect(parseSessionArgument(text), text).toBeUndefined();
    }
  });
});

describe('checkSignature', () => {
  it('says what is known of the signature', () => {
    const argument = { id, signed };
    expect(checkSignature({ id, signed: undefined }, ['current'])).toBe('none');
    expect(checkSignature(argument, [])).toBe('unchecked');
    expect(checkSignature(argument, ['current'])).toBe('valid');
    expect(checkSignature(argument, ['newer', 'current'])).toBe('stale');
    expect(checkSignature(argument, ['another'])).toBeUndefined();
    const forged = `${newSessionId()}${signed.slice(43)}`;
    expect(checkSignature(parseSessionArgument(forged)!, ['current'])).toBeUndefined();
  });
});
