import { describe, expect, it } from 'vitest';
import { assertSessionId, isValidSessionId, newSessionId } from '../src/session-id.js';

describe('session ids', () => {
  it('are 43 base64url characters of 256 random bits, all different', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(32);
      expect(isValidSessionId(id)).toBe(true);
    }
  });

  it.each([
    ['empty', ''],
    ['too short', newSessionId().slice(0, 42)],
    ['too long', `${newSessionId()}A`],
    ['glob characters', `${newSessionId().slice(0, 41)}*?`],
    ['hash tag braces', `{${newSessionId().slice(1, 42)}}`],
    ['a colon', `${newSessionId().slice(0, 42)}:`],
    ['a control character', `${newSessionId().slice(0, 42)}\n`],
    ['brackets', `[${newSessionId().slice(1, 42)}]`],
    ['a last character with bits past 256', `${newSessionId().slice(0, 42)}B`],
  ])('refuses %s', (_, value) => {
    expect(isValidSessionId(value)).toBe(false);
    expect(() => assertSessionId(value)).toThrow(expect.objectContaining({ code: 'INVALID_ID' }));
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, {}, ['a']])
      expect(isValidSessionId(value)).toBe(false);
  });
});
