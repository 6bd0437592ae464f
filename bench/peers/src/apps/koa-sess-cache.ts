import type { StartApp } from '../app-contract.js';
import { BENCH_CACHE } from '../bench-cache.js';
import { koaSessApp } from './koa-sess.js';

/** Koa with sess, its port's local cache of session reads on (see `bench-cache.ts`). */
export const start: StartApp = koaSessApp(BENCH_CACHE);
