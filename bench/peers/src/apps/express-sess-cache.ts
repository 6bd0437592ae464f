import type { StartApp } from '../app-contract.js';
import { BENCH_CACHE } from '../bench-cache.js';
import { expressSessApp } from './express-sess.js';

/** Express with sess, its port's local cache of session reads on (see `bench-cache.ts`). */
export const start: StartApp = expressSessApp(BENCH_CACHE);
