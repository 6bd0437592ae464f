import type { PortCacheStats } from '@sess/core/port';
import type { CacheCounts } from './results.js';

/** A server's cache figures over one round; undefined for a server without a cache. */
export function cacheDifference(
  before: PortCacheStats | undefined,
  after: PortCacheStats | undefined,
): CacheCounts | undefined {
  if (before === undefined || after === undefined) return undefined;
  return {
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
    invalidations: after.invalidations - before.invalidations,
    roundsTrackingDown: after.trackingDown > 0 ? 1 : 0,
  };
}

export function sumCache(rounds: ReadonlyArray<CacheCounts | undefined>): CacheCounts | undefined {
  const known = rounds.filter((round): round is CacheCounts => round !== undefined);
  if (known.length === 0) return undefined;
  const sum = (pick: (round: CacheCounts) => number) =>
    known.reduce((total, round) => total + pick(round), 0);
  return {
    hits: sum((round) => round.hits),
    misses: sum((round) => round.misses),
    invalidations: sum((round) => round.invalidations),
    roundsTrackingDown: sum((round) => round.roundsTrackingDown),
  };
}

/** "97.3% hits (…)" for the log and the report. */
export function describeCache(cache: CacheCounts): string {
  const reads = cache.hits + cache.misses;
  const share = reads > 0 ? `${((100 * cache.hits) / reads).toFixed(1)}% hits` : 'no reads';
  const down =
    cache.roundsTrackingDown > 0 ? `, tracking down after ${cache.roundsTrackingDown} rounds` : '';
  return `${share} (${cache.hits} hits, ${cache.misses} misses, ${cache.invalidations} invalidations${down})`;
}
