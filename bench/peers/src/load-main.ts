import autocannon, { type AutocannonRequest } from 'autocannon';
import type { LoadJob, LoadReport, LoadResult } from './ipc.js';

/**
 * The load generator: a process of its own, so autocannon never shares an event loop with a
 * server or with the bench's bookkeeping. Runs the jobs the bench sends, one at a time.
 */
function report(message: LoadReport): void {
  process.send?.(message);
}

async function run(job: LoadJob): Promise<LoadResult> {
  let client = 0;
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.duration,
    ...(job.amount === undefined ? {} : { amount: job.amount }),
    timeout: 10,
    requests: job.requests.map(toAutocannon(undefined)),
    setupClient: (connection) => {
      if (job.cookies.length === 0) return;
      const cookie = job.cookies[client++ % job.cookies.length];
      connection.setRequests(job.requests.map(toAutocannon(cookie)));
    },
  });
  const requests = result.requests.total;
  return {
    requests,
    seconds: result.duration,
    requestsPerSecond: requests / result.duration,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMax: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function toAutocannon(cookie: string | undefined) {
  return (request: LoadJob['requests'][number]): AutocannonRequest => ({
    method: request.method,
    path: request.path,
    headers: request.cookie && cookie !== undefined ? { cookie } : {},
  });
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => report({ type: 'done', id: job.id, result }),
    (error: unknown) => report({ type: 'failed', id: job.id, message: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
