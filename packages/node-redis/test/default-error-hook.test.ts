import { describe, expect, it } from 'vitest';
import { rateLimitedWarning } from '../src/default-error-hook.js';

describe('rateLimitedWarning', () => {
  it('warns once per 30 s and counts what it left out', () => {
    const lines: string[] = [];
    let now = 0;
    const hook = rateLimitedWarning(
      (line) => lines.push(line),
      () => now,
    );
    hook(new Error('ECONNREFUSED'));
    now = 1_000;
    hook(new Error('ECONNREFUSED'));
    hook(new Error('ECONNREFUSED'));
    now = 31_000;
    hook(new Error('Socket closed unexpectedly'));
    expect(lines).toEqual([
      '@sess/node-redis: Redis connection error: ECONNREFUSED',
      '@sess/node-redis: Redis connection error: Socket closed unexpectedly (2 more since the last warning)',
    ]);
  });
});
