import { createMemoryPort } from '@sess/core';
import { describe, expect, it } from 'vitest';
import { redisPortContract } from '../src/index.js';

redisPortContract({
  name: 'memory port',
  describe,
  it,
  expect,
  createPort: () => createMemoryPort(),
});
