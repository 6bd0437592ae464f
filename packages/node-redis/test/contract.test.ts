import { type RedisServer, redisPortContract, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRedisPort } from '../src/index.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis({ audit: true });
});
afterAll(() => server?.stop());

redisPortContract({
  name: 'node-redis',
  describe,
  it,
  expect,
  createPort: () => createNodeRedisPort({ url: server.url }),
});
