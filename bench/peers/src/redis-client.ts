import { createClient } from 'redis';

/** A node-redis client for the bench's own bookkeeping; connection errors are the runs' business. */
export function createBenchClient(url: string) {
  const client = createClient({ url, RESP: 2 });
  client.on('error', () => {});
  return client;
}

export type BenchClient = ReturnType<typeof createBenchClient>;
