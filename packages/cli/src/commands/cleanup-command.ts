import type { CleanerTickReport } from '@sess/core';
import { readExpiryIndex } from '@sess/core/internal';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { formatCount, formatDuration } from '../format.js';
import { renderPairs } from '../text-table.js';
import { withTimeout } from '../with-timeout.js';

/**
 * `sess cleanup [--once]`: runs the store's own cleaner here, through `cleaner.runOnce()`.
 * It takes the lease only if it is free (so never alongside a running cleaner) and gives it
 * back at the end. `--once` runs one tick; without it, ticks run until nothing is due.
 */
export const cleanupCommand: Command = async ({ args, connection, openStore, progress }) => {
  const store = openStore(args.batchSize === undefined ? {} : { batchSize: args.batchSize });
  const cleaner = store.cleaner;
  if (!cleaner) throw new Error('cleanup: the store has no cleaner');
  const before = await readExpiryIndex(store);
  const bar = progress('Expiring', before.due);
  const ticks: CleanerTickReport[] = [];
  let expired = 0;
  try {
    for (;;) {
      const report = await cleaner.runOnce();
      if (!report.leader) break;
      ticks.push(report);
      expired += report.expired;
      bar.update(expired, Math.max(before.due, expired));
      if (args.once || !report.truncated) break;
    }
  } finally {
    bar.finish();
  }
  const summary = {
    dueBefore: before.due,
    lagBefore: before.lag,
    ticks: ticks.length,
    expired,
    gone: ticks.reduce((sum, tick) => sum + tick.gone, 0),
    extended: ticks.reduce((sum, tick) => sum + tick.extended, 0),
    truncated: ticks.at(-1)?.truncated ?? false,
    durationMs: ticks.reduce((sum, tick) => sum + tick.durationMs, 0),
  };
  if (ticks.length === 0) {
    const lease = store.keys.lease;
    const ttl = await withTimeout(
      connection.port.send(
        { command: 'PTTL', keys: [lease], args: [lease] },
        { signal: AbortSignal.timeout(connection.timeout) },
      ),
      connection.timeout,
      'cleaner lease',
    ).catch(() => null);
    const left = typeof ttl === 'number' && ttl > 0 ? ` (${formatDuration(ttl)} left)` : '';
    throw new CliError(
      ExitCode.failed,
      'LEASE_HELD',
      `another cleaner holds the lease${left}: it does this work, so nothing was done here`,
    );
  }
  const text = renderPairs([
    ['Expired', formatCount(summary.expired)],
    ['Of which gone', `${formatCount(summary.gone)} (Redis had deleted the data already)`],
    ['Extended', `${formatCount(summary.extended)} (index entries behind their session)`],
    ['Ticks', `${summary.ticks} in ${formatDuration(summary.durationMs)}`],
    [
      'Left due',
      summary.truncated
        ? 'yes: the tick budget ran out (run again, or without --once)'
        : 'none when the last tick started',
    ],
  ]);
  return { exitCode: ExitCode.ok, json: summary, text };
};
