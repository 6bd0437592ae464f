import { describe, expect, it } from 'vitest';
import { startWithDeadline, withDeadline } from '../src/deadline.js';
import { isSessError } from '../src/errors.js';

/** Settles with what the deadline made of an operation: its result, or the error's code. */
function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => value,
    (error: unknown) => (isSessError(error) ? error.code : error),
  );
}

describe('deadlines', () => {
  it('ends an operation that never answers, and aborts the signal it was given', async () => {
    let given: AbortSignal | undefined;
    const result = outcome(
      withDeadline(30, 'stuck', (signal) => {
        given = signal;
        return new Promise<never>(() => {});
      }),
    );
    expect(await result).toBe('UNAVAILABLE');
    expect(given?.aborted).toBe(true);
    expect(isSessError(given?.reason, 'UNAVAILABLE')).toBe(true);
  });

  it('ends exactly the operations still waiting, whichever of their neighbours settled', async () => {
    // Same deadline, same window: the waiting ones are linked through each other.
    const settles: Array<(value: string) => void> = [];
    const results = Array.from({ length: 7 }, (_, index) =>
      outcome(
        new Promise((resolve, reject) =>
          startWithDeadline<string, string>(
            40,
            `operation ${index}`,
            (_deadline, settle) => settles.push(settle),
            (value) => value,
            resolve,
            reject,
          ),
        ),
      ),
    );
    // First, last and two in the middle settle; 1, 3 and 5 are left to the deadline.
    for (const index of [0, 6, 2, 4]) settles[index]?.(`answer ${index}`);
    expect(await Promise.all(results)).toEqual([
      'answer 0',
      'UNAVAILABLE',
      'answer 2',
      'UNAVAILABLE',
      'answer 4',
      'UNAVAILABLE',
      'answer 6',
    ]);
    // An answer after the deadline changes nothing.
    settles[1]?.('late');
    expect(await results[1]).toBe('UNAVAILABLE');
  });

  it('gives operations of one window one signal, made only when one asks for it', async () => {
    const signals: AbortSignal[] = [];
    const answers = [0, 1, 2].map((index) =>
      withDeadline(60_000, 'quick', async (signal) => {
        signals.push(signal);
        return index;
      }),
    );
    expect(await Promise.all(answers)).toEqual([0, 1, 2]);
    expect(new Set(signals).size).toBe(1);
    expect(signals[0]?.aborted).toBe(false);
  });
});
