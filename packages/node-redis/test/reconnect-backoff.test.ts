import { describe, expect, it } from 'vitest';
import { reconnectBackoff } from '../src/reconnect-backoff.js';

describe('reconnectBackoff', () => {
  it('doubles its ceiling per attempt, capped, and never gives up', () => {
    const highest = reconnectBackoff(50, 2_000, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6, 10, 100, 5_000].map(highest)).toEqual([
      50, 100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000, 2_000,
    ]);
  });

  it('draws each delay between minDelay and the ceiling', () => {
    const lowest = reconnectBackoff(50, 2_000, () => 0);
    expect([0, 3, 50].map(lowest)).toEqual([50, 50, 50]);
    const delays = Array.from({ length: 200 }, (_, i) => reconnectBackoff(50, 2_000)(i % 10));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
    expect(new Set(delays).size).toBeGreaterThan(20);
  });
});
