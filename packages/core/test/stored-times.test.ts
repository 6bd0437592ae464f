import { describe, expect, it } from 'vitest';
import { formatStoredTimes, parseStoredTimes } from '../src/stored-times.js';

describe('stored times', () => {
  it('holds the creation and two offsets in one field', () => {
    const times = {
      createdAt: 1_733_000_000_000,
      lastAccessAt: 1_733_000_060_000,
      expiresAt: 1_733_001_860_000,
    };
    const text = formatStoredTimes(times);
    expect(text).toBe('1733000000000:60000:1800000');
    expect(parseStoredTimes(text)).toEqual(times);
    expect(parseStoredTimes('0:0:0')).toEqual({ createdAt: 0, lastAccessAt: 0, expiresAt: 0 });
  });

  it('keeps a last access before the creation (another instance’s clock)', () => {
    const times = { createdAt: 1_000_000, lastAccessAt: 995_000, expiresAt: 1_025_000 };
    expect(formatStoredTimes(times)).toBe('1000000:-5000:30000');
    expect(parseStoredTimes('1000000:-5000:30000')).toEqual(times);
  });

  it.each([
    '',
    '1',
    '1:2',
    '1:2:',
    ':2:3',
    '1::3',
    '-1:2:3',
    '1:--2:3',
    '1:+2:3',
    '1:2:-',
    '1:2:3:4',
    '1:2:x',
    '1:2:3.5',
    '1:2:1e3',
    ' 1:2:3',
    '1:2:1234567890123456',
  ])('refuses %j', (text) => {
    expect(parseStoredTimes(text)).toBeUndefined();
  });
});
