import type { CpuPlan } from './cpu-pinning.js';
import { createSessions } from './http-client.js';
import type { LoadGenerator } from './load-generator.js';
import type { BenchOptions } from './options.js';
import type { HeapRun } from './results.js';
import { HEAP_MIX } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import type { Framework } from './stacks.js';

const SAMPLES = 10;
const WARMUP_REQUESTS = 50_000;

/**
 * A long run on a sess stack: reads, writes, anonymous requests and sign-ins, with the heap
 * sampled after a full GC at the start and after every tenth of the requests.
 */
export async function measureHeap(
  framework: Framework,
  redisUrl: string,
  options: BenchOptions,
  load: LoadGenerator,
  cpus: CpuPlan | undefined,
  log: (line: string) => void,
): Promise<HeapRun> {
  const server = await ServerProcess.start({ framework, kind: 'sess' }, redisUrl, {
    cpus: cpus?.server,
  });
  try {
    const cookies = await createSessions(server.url, options.connections);
    const job = {
      url: server.url,
      connections: options.connections,
      duration: 3600,
      requests: HEAP_MIX,
      cookies,
    };
    await load.run({ ...job, amount: WARMUP_REQUESTS });
    const samples = [{ afterRequests: 0, heapUsed: await server.heapUsed() }];
    const chunk = Math.ceil(options.heapRequests / SAMPLES);
    let requests = 0;
    let seconds = 0;
    let errors = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const result = await load.run({ ...job, amount: chunk });
      requests += result.requests;
      seconds += result.seconds;
      errors += result.errors + result.non2xx;
      const heapUsed = await server.heapUsed();
      samples.push({ afterRequests: requests, heapUsed });
      log(`heap ${framework}: ${requests} requests, ${(heapUsed / 2 ** 20).toFixed(2)} MiB`);
    }
    return { stack: server.stack, requests, seconds, errors, samples };
  } finally {
    await server.stop();
  }
}
