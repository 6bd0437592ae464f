import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { sessMetrics } from '../src/index.js';

/** [key given, what the message says about it] */
const rows: Array<[string, RegExp]> = [
  ['registery', /did you mean `registry`\?/],
  ['prefx', /did you mean `prefix`\?/],
  ['latencybuckets', /did you mean `latencyBuckets`\?/],
  ['gaugesMaxAgeMs', /did you mean `gaugesMaxAge`\?/],
  ['register', /use `registry`/],
  ['buckets', /use `latencyBuckets`/],
  ['maxAge', /use `gaugesMaxAge`/],
  ['labels', /setDefaultLabels/],
  ['port', /the options here are `registry`, `prefix`, `latencyBuckets`, `gauges`, `gaugesMaxAge`/],
];

describe('metrics options', () => {
  it.each(rows)('reject %s', (key, says) => {
    let error: unknown;
    try {
      sessMetrics({ registry: new Registry(), [key]: 1 } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message.startsWith(`${key}: `)).toBe(true);
    expect((error as Error).message).toMatch(says);
  });

  it('name the unit and the default of gaugesMaxAge', () => {
    expect(() => sessMetrics({ registry: new Registry(), gaugesMaxAge: -1 })).toThrow(
      'gaugesMaxAge: expected a number of milliseconds, 0 or more; got -1 (default 5000 ms, 5 seconds)',
    );
  });
});
