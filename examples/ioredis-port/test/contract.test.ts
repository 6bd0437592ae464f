import { type RedisServer, redisPortContract, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIoredisPort } from '../src/ioredis-port.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis({ audit: true });
});
// stop() rejects if the audit saw a forbidden command or keys across slots.
afterAll(() => redis?.stop());

redisPortContract({
  name: 'ioredis',
  describe,
  it,
  expect,
  createPort: () => createIoredisPort(redis.url),
});
