import { describe, expect, it } from 'vitest';
import { jsonSerializer } from '../src/serializer.js';

describe('jsonSerializer', () => {
  it('round-trips JSON values', () => {
    const value = { a: [1, 'two', { three: true }], b: null };
    expect(jsonSerializer.parse(jsonSerializer.stringify(value))).toEqual(value);
  });

  it.each([
    ['a top-level __proto__ key', '{"__proto__":{"polluted":true}}'],
    ['a nested __proto__ key', '{"a":[{"b":{"__proto__":{"polluted":true}}}]}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}'],
  ])('refuses to parse %s, and nothing is polluted', (_, text) => {
    expect(() => jsonSerializer.parse(text)).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses to store a value with an own __proto__ key', () => {
    const value = JSON.parse('{"__proto__":{"x":1}}');
    expect(() => jsonSerializer.stringify(value)).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
  });

  it('accepts a plain "constructor" attribute that is not an object with prototype', () => {
    expect(jsonSerializer.parse('{"constructor":"x"}')).toEqual({ constructor: 'x' });
  });

  it.each([
    ['a function', () => 1],
    ['undefined', undefined],
    [
      'a cycle',
      (() => {
        const a: Record<string, unknown> = {};
        a.self = a;
        return a;
      })(),
    ],
    ['a bigint', 10n],
  ])('refuses %s with a typed error', (_, value) => {
    expect(() => jsonSerializer.stringify(value)).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
  });

  it.each([
    '""',
    '"u1234567"',
    '"caf\u00e9 \u2028 \ud83d\ude00"',
    '"a\\"b"',
    '"tab\\tnew\\nline"',
    '"\\u0041"',
    '"lone \ud800 surrogate"',
    '"\u007f"',
  ])('parses the string %j as JSON.parse does', (text) => {
    expect(jsonSerializer.parse(text)).toBe(JSON.parse(text));
  });

  it.each([
    ['a lone quote', '"'],
    ['an unescaped quote inside', '"a"b"'],
    ['a raw control character', '"a\nb"'],
    ['a trailing backslash', '"a\\"'],
    ['no closing quote', '"abc'],
  ])('refuses %s in a string like JSON.parse', (_, text) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(() => jsonSerializer.parse(text)).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
  });

  it('refuses corrupt text with a typed error', () => {
    expect(() => jsonSerializer.parse('{"a":')).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
  });
});
