import { formatDuration } from '../format.js';
import type { RedisNode } from '../redis-node.js';
import type { CheckResult } from './check-result.js';

const SAMPLES = 5;
const REASON =
  "sess stamps sessions with the application's clock (expiry, last access), so application instances that disagree shift expiries by their difference. Redis's own clock only runs the backstop TTL of each session hash (expiry + grace, 10 min by default): with Redis ahead by more than grace, it deletes live sessions; ahead by less, the cleaner has less time to read a session before Redis drops it. Run doctor on an application host: it compares that host's clock with Redis'.";

/** The offset between this host's clock and Redis' (TIME), from the sample with the shortest round trip. */
export async function clockCheck(node: RedisNode): Promise<CheckResult> {
  let best: { skew: number; rtt: number } | undefined;
  for (let i = 0; i < SAMPLES; i++) {
    const before = Date.now();
    const reply = await node.call(['TIME']);
    const after = Date.now();
    if (!Array.isArray(reply)) throw new Error(`TIME answered ${String(reply)}`);
    const redisMs = Number(reply[0]) * 1_000 + Number(reply[1]) / 1_000;
    const sample = { skew: redisMs - (before + after) / 2, rtt: after - before };
    if (!best || sample.rtt < best.rtt) best = sample;
  }
  const { skew, rtt } = best as { skew: number; rtt: number };
  const size = Math.abs(skew);
  const direction = skew >= 0 ? 'ahead of' : 'behind';
  const summary = `Redis is ${formatDuration(size)} ${direction} this host (± ${formatDuration(rtt / 2 + 1)})`;
  const details = { skewMs: skew, uncertaintyMs: rtt / 2 + 1 };
  const base = { id: 'clock-skew', title: 'Clock skew', summary, reason: REASON, details };
  if (size < 1_000) return { ...base, status: 'pass', fix: undefined };
  return {
    ...base,
    status: size < 300_000 ? 'warn' : 'fail',
    fix: 'Synchronise the clocks of the application hosts and the Redis hosts with NTP (chrony, systemd-timesyncd); managed Redis keeps its own in sync.',
  };
}
