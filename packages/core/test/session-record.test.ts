import { beforeEach, describe, expect, it } from 'vitest';
import { jsonSerializer } from '../src/serializer.js';
import { SessionRecord } from '../src/session-record.js';

const limits = { maxAttributeBytes: 100, maxSessionBytes: 250, maxAttributes: 30 };

type StoredForm = 'a Map' | 'name/value pairs';
let form: StoredForm = 'a Map';

/** A loaded record, its stored attributes given in the current `form`. */
function loaded(stored: Record<string, unknown>): SessionRecord {
  const now = Date.now();
  const entries = Object.entries(stored).map(([k, v]): [string, string] => [k, JSON.stringify(v)]);
  return new SessionRecord('id', {
    times: { createdAt: now, lastAccessAt: now, idleTimeout: 1000, absoluteExpiresAt: now + 5000 },
    principal: undefined,
    lifetime: 'default',
    stored: form === 'a Map' ? new Map(entries) : entries.flat(),
    serializer: jsonSerializer,
    isNew: false,
  });
}

describe.each<StoredForm>(['a Map', 'name/value pairs'])(
  'SessionRecord loaded from %s',
  (given) => {
    beforeEach(() => {
      form = given;
    });

    it('reads, lists and writes back what was stored', () => {
      const stored: Record<string, unknown> = {};
      // More than the pairs are scanned for (16): the record builds its Map at once.
      for (let i = 0; i < 20; i++) stored[`k${i}`] = i;
      for (const record of [loaded({ a: 1, b: 'x' }), loaded(stored)]) {
        const names = record.names();
        expect(record.get(names[0] as string)).toBe(names[0] === 'a' ? 1 : 0);
        expect(record.has(names[1] as string)).toBe(true);
        expect(record.has('missing')).toBe(false);
        expect(record.get('missing')).toBeUndefined();
        record.set(names[1] as string, 'changed');
        record.delete(names[0] as string);
        const changes = record.changes(limits);
        expect([...changes.set]).toEqual([[names[1], '"changed"']]);
        expect(changes.removed).toEqual([names[0]]);
        record.committed(changes, record.times);
        expect(record.names()).toEqual(names.slice(1));
        expect(record.hasChanges()).toBe(false);
      }
    });

    it('writes nothing for attributes only read, or set to an equal value', () => {
      const record = loaded({ a: { n: 1 }, b: 'x' });
      record.get('a');
      record.set('b', 'x');
      const changes = record.changes(limits);
      expect(changes.set.size).toBe(0);
      expect(changes.removed).toEqual([]);
    });

    it('catches a nested mutation and writes only that attribute', () => {
      const record = loaded({ cart: { items: [] }, other: 1 });
      (record.get('cart') as { items: number[] }).items.push(7);
      const changes = record.changes(limits);
      expect([...changes.set]).toEqual([['cart', '{"items":[7]}']]);
    });

    it('removes deleted attributes, and ignores deleting what was never stored', () => {
      const record = loaded({ a: 1 });
      record.delete('a');
      record.delete('never');
      expect(record.changes(limits).removed).toEqual(['a']);
      expect(record.names()).toEqual([]);
    });

    it('enforces the size limits with TOO_LARGE before anything is written', () => {
      const big = loaded({});
      big.set('a', 'x'.repeat(200));
      expect(() => big.changes(limits)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
      const many = loaded({ a: 'x'.repeat(90), b: 'y'.repeat(90) });
      many.set('c', 'z'.repeat(90));
      expect(() => many.changes(limits)).toThrow(
        expect.objectContaining({
          code: 'TOO_LARGE',
          message: expect.stringContaining('maxSessionBytes'),
        }),
      );
    });

    it('sizes the session as the commit leaves it: a replaced attribute by its new value, a removed one not at all', () => {
      const record = loaded({ a: 'x'.repeat(90), b: 'y'.repeat(90), d: 'w'.repeat(90) });
      record.set('a', 'short');
      record.delete('d');
      record.set('c', 'z'.repeat(90));
      expect([...record.changes(limits).set.keys()]).toEqual(['a', 'c']);
      record.set('a', 'x'.repeat(90));
      expect(() => record.changes(limits)).toThrow(
        expect.objectContaining({ message: expect.stringContaining('maxSessionBytes') }),
      );
    });

    it('refuses reserved and empty attribute names', () => {
      const record = loaded({});
      expect(() => record.set('#e', 1)).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
      expect(() => record.set('', 1)).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
    });
  },
);
