import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisPortContract, startRedis } from '../src/index.js';
import { createRespPort } from './support/resp-port.js';

// The contract against real Redis, audited: the suite itself must send nothing sess forbids.
let server: RedisServer;
beforeAll(async () => {
  server = await startRedis({ env: false, audit: true });
});
afterAll(() => server?.stop());

redisPortContract({
  name: 'raw RESP port on redis-server',
  describe,
  it,
  expect,
  createPort: () => createRespPort(server.url),
});
