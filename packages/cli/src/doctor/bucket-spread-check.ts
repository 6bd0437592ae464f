import keySlot from 'cluster-key-slot';
import type { CheckResult } from './check-result.js';
import type { SlotRange } from './slot-ranges.js';

const REASON =
  'The expiry index is split into buckets so that counting and cleanup spread over the Cluster; a master that holds no bucket does none of that work, and fewer buckets than masters puts it all on a few nodes.';

/** Which Cluster master holds each expiry bucket (`<prefix>:x:{b}`), from the bucket keys' slots. */
export function bucketSpreadCheck(
  buckets: readonly string[],
  ranges: readonly SlotRange[],
): CheckResult {
  const masters = [...new Set(ranges.map((range) => range.master))].sort();
  const perMaster = new Map(masters.map((master) => [master, 0]));
  let unassigned = 0;
  for (const bucket of buckets) {
    const slot = keySlot(bucket);
    const range = ranges.find((r) => slot >= r.start && slot <= r.end);
    if (range) perMaster.set(range.master, (perMaster.get(range.master) ?? 0) + 1);
    else unassigned++;
  }
  const counts = [...perMaster.values()];
  const idle = [...perMaster].filter(([, count]) => count === 0).map(([master]) => master);
  const spread = [...perMaster].map(([master, count]) => `${master} ${count}`).join(', ');
  const summary = `${buckets.length} buckets over ${masters.length} masters: ${spread}${unassigned > 0 ? `; ${unassigned} in unassigned slots` : ''}`;
  const details = { buckets: buckets.length, perMaster: Object.fromEntries(perMaster), unassigned };
  const base = {
    id: 'bucket-spread',
    title: 'Expiry buckets vs masters',
    summary,
    reason: REASON,
    details,
  };
  if (unassigned > 0) {
    return {
      ...base,
      status: 'fail',
      fix: 'Assign every slot to a master (see the Cluster check).',
    };
  }
  if (buckets.length < masters.length || idle.length > 0) {
    return {
      ...base,
      status: 'warn',
      fix: `Use at least as many buckets as masters, a few times more for an even spread (the store's \`buckets\` option: ${Math.max(16, masters.length * 4)} here). It is fixed per deployment: changing it strands index entries, so plan a migration.`,
    };
  }
  const most = Math.max(...counts);
  const least = Math.min(...counts);
  return most > 3 * least
    ? {
        ...base,
        status: 'warn',
        fix: 'Use more buckets (the `buckets` option, fixed per deployment) so they even out over the masters.',
      }
    : { ...base, status: 'pass', fix: undefined };
}
