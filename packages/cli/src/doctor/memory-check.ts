import { formatBytes } from '../format.js';
import { infoNumber } from '../info-text.js';
import type { Verdict } from './check-result.js';
import type { NodeFacts } from './node-facts.js';

const REASON =
  'At maxmemory, Redis evicts (see the eviction check) or, with noeviction, refuses writes: sign-ins and session saves then fail.';

/** How close the node is to `maxmemory`; undefined when no limit is set. */
export function memoryVerdict({ info }: NodeFacts): Verdict | undefined {
  const maxmemory = infoNumber(info, 'maxmemory') ?? 0;
  const used = infoNumber(info, 'used_memory');
  if (maxmemory <= 0 || used === undefined) return undefined;
  const share = used / maxmemory;
  const summary = `${formatBytes(used)} of ${formatBytes(maxmemory)} used (${(share * 100).toFixed(1)} %)`;
  const details = { used, maxmemory };
  if (share < 0.8) return { status: 'pass', summary, reason: REASON, details };
  return {
    status: share >= 0.95 ? 'fail' : 'warn',
    summary,
    reason: REASON,
    fix: 'Give Redis more memory (or shards), shorten idleTimeout/absoluteTimeout, or store less per session.',
    details,
  };
}
