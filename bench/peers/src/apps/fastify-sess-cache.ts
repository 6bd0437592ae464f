import type { StartApp } from '../app-contract.js';
import { BENCH_CACHE } from '../bench-cache.js';
import { fastifySessApp } from './fastify-sess.js';

/** Fastify with sess, its port's local cache of session reads on (see `bench-cache.ts`). */
export const start: StartApp = fastifySessApp(BENCH_CACHE);
