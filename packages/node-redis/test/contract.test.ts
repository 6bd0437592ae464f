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

// The same contract with the local cache of session reads on: reads of a hash answered from
// the cache must be what Redis holds, whatever the suite writes in between.
redisPortContract({
  name: 'node-redis with cache',
  describe,
  it,
  expect,
  createPort: async () => {
    const port = await createNodeRedisPort({ url: server.url, cache: true, onError: () => {} });
    // Reads are cached only once tracking is up: wait for it, so the suite runs through the cache.
    const deadline = Date.now() + 5_000;
    while (port.cacheStats()?.trackingUp !== 1) {
      if (Date.now() > deadline) throw new Error('tracking not up within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return port;
  },
});
