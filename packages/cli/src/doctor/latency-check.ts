import { formatDuration } from '../format.js';
import type { ProgressBar } from '../progress-bar.js';
import type { RedisNode } from '../redis-node.js';
import type { CheckResult } from './check-result.js';

const REASON =
  'Every request with a session costs one round trip (two for sign-in and sign-out), and each store operation has a deadline (1,000 ms by default): slow round trips slow every request, and spikes near the deadline fail them with UNAVAILABLE.';

/** Round trips measured with sequential PINGs: p50, p99, max. */
export async function latencyCheck(
  node: RedisNode,
  pings: number,
  progress: ProgressBar,
): Promise<CheckResult> {
  const times: number[] = [];
  try {
    for (let i = 0; i < pings; i++) {
      const started = performance.now();
      await node.call(['PING']);
      times.push(performance.now() - started);
      progress.update(i + 1, pings);
    }
  } finally {
    progress.finish();
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? 0;
  const p50 = at(0.5);
  const p99 = at(0.99);
  const max = times[times.length - 1] ?? 0;
  const summary = `p50 ${formatDuration(p50)}, p99 ${formatDuration(p99)}, max ${formatDuration(max)} over ${pings} PINGs to ${node.address}`;
  const details = { pings, p50Ms: p50, p99Ms: p99, maxMs: max };
  const base = { id: 'latency', title: 'Round-trip latency', summary, reason: REASON, details };
  // p50: how far away Redis is (same zone is well under 5 ms); p99: the spikes each request risks.
  if (p50 < 5 && p99 < 50) return { ...base, status: 'pass', fix: undefined };
  return {
    ...base,
    status: p99 < 250 ? 'warn' : 'fail',
    fix: 'Run Redis close to the application (same zone), check its CPU (Redis is single-threaded: watch the process, not the machine) and slow commands (SLOWLOG), and the network in between.',
  };
}
