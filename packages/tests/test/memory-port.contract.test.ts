import { createMemoryPort } from '@sess/core';
import { redisPortContract } from '@sess/testkit';
import { describe, expect, it } from 'vitest';

// The same suite that runs on node-redis against redis-server: the memory port must answer alike.
redisPortContract({ name: 'memory port', describe, it, expect, createPort: createMemoryPort });
