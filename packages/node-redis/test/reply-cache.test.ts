import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ReplyCache } from '../src/reply-cache.js';

// The cache's byte bound is an estimate of the heap its entries take: it must not be below
// what V8 really takes, or `maxBytes` would not bound anything.

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A session's HGETALL reply: five attributes and a principal, or (`bare`) the times alone. */
function sessionReply(i: number, bare: boolean): { key: string; reply: string[] } {
  const id = randomBytes(32).toString('base64url');
  const times = ['#t', `${1_760_000_000_000 + i}:${i % 1000}:1800000`];
  if (bare) return { key: `sess:s:{${id}}`, reply: times };
  const attributes = [
    '#p',
    `user-${i}@example.com`,
    'cart',
    `{"items":[${i},${i + 1}],"total":${i * 3}}`,
    'csrf',
    randomBytes(24).toString('base64url'),
    'locale',
    '"en-GB"',
    'theme',
    '"dark"',
    'lastPage',
    `"/products/${i}"`,
  ];
  return { key: `sess:s:{${id}}`, reply: [...times, ...attributes] };
}

/** A fresh heap string, as node-redis makes one from the bytes it read. */
const fromBuffer = (value: string) => Buffer.from(value).toString();

describe('ReplyCache', () => {
  for (const bare of [false, true]) {
    it(`estimates at least the heap its entries take, and not much more (${bare ? 'times only' : 'five attributes'})`, () => {
      const count = 20_000;
      const replies = Array.from({ length: count }, (_, i) => sessionReply(i, bare));
      const cache = new ReplyCache<string>(count, 1 << 30);
      for (const { key, reply } of replies)
        cache.set(fromBuffer(key), reply.map(fromBuffer), 'o', 1);
      expect(cache.size).toBe(count);
      const estimate = cache.bytes;
      // The heap with the entries, less the heap once they are gone: what they took.
      const held = heapAfterGc();
      cache.clear();
      const measured = held - heapAfterGc();
      expect(estimate).toBeGreaterThanOrEqual(measured);
      expect(estimate).toBeLessThan(measured * 2);
    });
  }

  it('counts two bytes a character for strings beyond Latin-1', () => {
    const cache = new ReplyCache<string>(10, 1 << 20);
    cache.set('k1', ['name', 'ab'], 'owner', 1);
    const latin = cache.bytes;
    cache.set('k2', ['name', 'ä€'], 'owner', 1);
    expect(cache.bytes - latin).toBe(latin + 2);
  });

  it('holds at most maxEntries and maxBytes, and nothing larger than maxBytes', () => {
    const cache = new ReplyCache<string>(100, 5_000);
    for (let i = 0; i < 1_000; i++) cache.set(`key-${i}`, ['field', 'x'.repeat(i % 50)], 'o', 1);
    expect(cache.size).toBeLessThanOrEqual(100);
    expect(cache.bytes).toBeLessThanOrEqual(5_000);
    expect(cache.evictions).toBe(1_000 - cache.size);
    cache.set('huge', ['field', 'x'.repeat(10_000)], 'o', 1);
    expect(cache.has('huge')).toBe(false);
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });

  it('drops the entries of one owner', () => {
    const cache = new ReplyCache<string>(100, 1 << 20);
    cache.set('a', ['f', 'v'], 'node-1', 1);
    cache.set('b', ['f', 'v'], 'node-2', 1);
    cache.deleteOwnedBy('node-1');
    expect([cache.has('a'), cache.has('b')]).toEqual([false, true]);
    expect(cache.bytes).toBeGreaterThan(0);
    cache.delete('b');
    expect(cache.bytes).toBe(0);
  });
});
