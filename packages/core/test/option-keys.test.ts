import { describe, expect, it } from 'vitest';
import { isSessError } from '../src/errors.js';
import { checkOptionKeys, type OptionKeys, optionNames } from '../src/option-keys.js';

function messageOf(options: object, keys: OptionKeys): string {
  try {
    checkOptionKeys(options, keys);
  } catch (error) {
    expect(isSessError(error, 'INVALID_OPTION')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('checkOptionKeys', () => {
  const keys: OptionKeys = {
    path: 'cleaner',
    known: ['interval', 'leaseTtl', 'batchSize'],
    instead: { ttl: 'not a sess option. Use `leaseTtl`' },
  };

  it('passes the known keys, set or undefined', () => {
    expect(() => checkOptionKeys({ interval: 1, leaseTtl: undefined }, keys)).not.toThrow();
    expect(() => checkOptionKeys({}, keys)).not.toThrow();
  });

  it.each([
    ['intervall', 'cleaner.intervall: unknown option; did you mean `interval`?'],
    ['Interval', 'cleaner.Interval: unknown option; did you mean `interval`?'],
    ['lease_ttl', 'cleaner.lease_ttl: unknown option; did you mean `leaseTtl`?'],
    ['batchsize', 'cleaner.batchsize: unknown option; did you mean `batchSize`?'],
    ['btachSize', 'cleaner.btachSize: unknown option; did you mean `batchSize`?'],
    ['ttl', 'cleaner.ttl: not a sess option. Use `leaseTtl`'],
    [
      'frequency',
      'cleaner.frequency: unknown option; the options of `cleaner` are `interval`, `leaseTtl`, `batchSize`',
    ],
  ])('names %s with its path and what to use', (key, message) => {
    expect(messageOf({ interval: 1, [key]: 1 }, keys)).toBe(message);
  });

  it('names every unknown key, one per line, an undefined one too', () => {
    expect(messageOf({ intervall: 1, ttl: undefined }, { ...keys, path: '' }).split('\n')).toEqual([
      'intervall: unknown option; did you mean `interval`?',
      'ttl: not a sess option. Use `leaseTtl`',
    ]);
  });

  it('does not take a name of Object.prototype for an explanation', () => {
    expect(messageOf({ toString: 1 }, keys)).toMatch(/^cleaner\.toString: unknown option/);
  });

  it('lists names from an object that must hold every option of the type', () => {
    expect(optionNames<{ a?: number; b: string }>({ a: true, b: true })).toEqual(['a', 'b']);
  });
});
