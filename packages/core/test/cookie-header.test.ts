import { parseCookie } from 'cookie';
import { describe, expect, it } from 'vitest';
import { findCookieValue } from '../src/cookie-header.js';

const RAW = { decode: (text: string) => text };
const parsed = (header: string, name: string) => parseCookie(header, RAW)[name];

/** A small deterministic generator (mulberry32), so a failure names a header that repeats. */
function random(start: number): () => number {
  let state = start;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('findCookieValue', () => {
  it.each([
    ['sess=abc', 'abc'],
    ['a=1; sess=abc; b=2', 'abc'],
    ['a=1;sess=abc;b=2', 'abc'],
    ['sess=first; sess=second', 'first'],
    [' \tsess \t= \tabc \t; b=2', 'abc'],
    ['sess=', ''],
    ['sess= ;b=2', ''],
    ['xsess=abc', undefined],
    ['sessx=abc', undefined],
    ['other=sess=abc', undefined],
    ['other= sess=abc; sess=real', 'real'],
    ['sess; sess=abc', 'abc'],
    ['a;b;c', undefined],
    ['sess="abc"', '"abc"'],
    ['sess=a%3Db', 'a%3Db'],
    ['', undefined],
    ['=', undefined],
  ])('%j gives %j', (header, expected) => {
    expect(findCookieValue(header, 'sess')).toBe(expected);
    expect(findCookieValue(header, 'sess')).toBe(parsed(header, 'sess'));
  });

  it('reads every header as parseCookie of the cookie package does', () => {
    const next = random(20261205);
    const alphabet = ['s', 'e', 's', 's', 'x', '=', ';', ' ', '\t', '"', 'a', '.'];
    for (let run = 0; run < 20_000; run++) {
      let header = '';
      const size = Math.floor(next() * 24);
      for (let i = 0; i < size; i++) header += alphabet[Math.floor(next() * alphabet.length)];
      for (const name of ['sess', 's', 'x']) {
        expect(findCookieValue(header, name), JSON.stringify([header, name])).toBe(
          parsed(header, name),
        );
      }
    }
  });
});
