import { type RedisServer, redisPortContract, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIoredisPort } from '../src/ioredis-port.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

redisPortContract({
  name: 'ioredis',
  describe,
  it,
  expect,
  createPort: () => createIoredisPort(redis.url),
});
