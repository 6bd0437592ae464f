import type { NodeRedisCacheOptions } from '@sess/node-redis';

/**
 * The read cache of the `sess-cache` stacks: `@sess/node-redis`' defaults, as `cache: true`
 * gives them, the tracking check once a second included, since that is what applications run.
 * The default holds in both places this bench runs it. Under load, the server answers each
 * check long before the next one is due; the report shows the cache's misses and any loss of
 * tracking, so a check that failed would show there. Under callgrind, where the server runs
 * far slower than the clock and stalls while valgrind translates the JIT's code again, a check
 * is judged only after the event loop has read its sockets once more (see
 * `tracked-connection.ts` in `@sess/node-redis`), so a stall alone does not drop the cache:
 * the instruction count reports the cache's hits over the counted reads to show it.
 */
export const BENCH_CACHE: NodeRedisCacheOptions = {};
