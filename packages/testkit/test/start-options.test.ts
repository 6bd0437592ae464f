import { describe, expect, it } from 'vitest';
import {
  redisPortContract,
  startRedis,
  startRedisCluster,
  startRedisSentinel,
} from '../src/index.js';

// Nothing starts: the options are checked first.

/** [function, key given, what the message says about it] */
const rows: Array<[string, (extra: Record<string, unknown>) => Promise<unknown>, string, RegExp]> =
  [
    ['startRedis', (extra) => startRedis(extra), 'audits', /did you mean `audit`\?/],
    ['startRedis', (extra) => startRedis(extra), 'startTimout', /did you mean `startTimeout`\?/],
    ['startRedis', (extra) => startRedis(extra), 'port', /the options here are `args`, `audit`/],
    [
      'startRedisSentinel',
      (extra) => startRedisSentinel(extra),
      'replica',
      /did you mean `replicas`\?/,
    ],
    [
      'startRedisSentinel',
      (extra) => startRedisSentinel(extra),
      'name',
      /options here are .*`masterName`/,
    ],
    [
      'startRedisCluster',
      (extra) => startRedisCluster(extra),
      'master',
      /did you mean `masters`\?/,
    ],
    [
      'startRedisCluster',
      (extra) => startRedisCluster(extra),
      'nodeTimout',
      /did you mean `nodeTimeout`\?/,
    ],
    [
      'redisPortContract',
      async (extra) =>
        redisPortContract({
          name: 'x',
          createPort: () => {
            throw new Error('not called');
          },
          describe: () => undefined,
          it: () => undefined,
          expect: expect as never,
          ...extra,
        }),
      'timeOut',
      /did you mean `timeout`\?/,
    ],
  ];

describe('testkit options', () => {
  it.each(rows)('%s rejects %s', async (_name, start, key, says) => {
    const error = await start({ [key]: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message.startsWith(`${key}: `)).toBe(true);
    expect((error as Error).message).toMatch(says);
  });
});
