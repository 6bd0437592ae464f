import type { Command } from '../command.js';
import { bucketSpreadCheck } from '../doctor/bucket-spread-check.js';
import {
  type CheckResult,
  type CheckStatus,
  mergeVerdicts,
  notRunVerdict,
  unchecked,
  type Verdict,
  worst,
} from '../doctor/check-result.js';
import { clockCheck } from '../doctor/clock-check.js';
import { clusterCheck } from '../doctor/cluster-check.js';
import { evictionVerdict } from '../doctor/eviction-check.js';
import { latencyCheck } from '../doctor/latency-check.js';
import { memoryVerdict } from '../doctor/memory-check.js';
import { gatherNodeFacts, type NodeFacts } from '../doctor/node-facts.js';
import { persistenceVerdict } from '../doctor/persistence-check.js';
import { replicationVerdict } from '../doctor/replication-check.js';
import { sentinelCheck } from '../doctor/sentinel-check.js';
import { parseClusterSlots, type SlotRange } from '../doctor/slot-ranges.js';
import { versionVerdict } from '../doctor/version-check.js';
import { ExitCode } from '../exit-codes.js';

/**
 * `sess doctor`: checks what matters to sessions in production and explains each finding.
 * Reads INFO, PING, TIME, and SENTINEL / CLUSTER INFO / CLUSTER SLOTS where they apply;
 * never CONFIG. A check whose command the server refuses to this user is skipped, naming the
 * command; the others still run. Exits 1 when any check fails, 4 when none failed but some
 * were skipped; warnings alone exit 0.
 */
export const doctorCommand: Command = async ({ args, connection, openStore, progress }) => {
  const store = openStore();
  const now = Date.now();
  const results: CheckResult[] = [];

  let ranges: SlotRange[] = [];
  let slotsError: unknown;
  if (connection.topology === 'cluster') {
    try {
      ranges = parseClusterSlots(await connection.main.call(['CLUSTER', 'SLOTS']));
    } catch (error) {
      slotsError = error;
    }
  }
  const readings = await gatherNodeFacts(connection, ranges);

  const perNode = (
    id: string,
    title: string,
    judge: (node: NodeFacts) => Verdict | undefined,
    reason: string,
  ): void => {
    if (slotsError !== undefined) {
      // Without the slot map there is no knowing which masters to ask.
      results.push(unchecked(id, title, slotsError, reason));
      return;
    }
    const verdicts = readings.flatMap((node) => {
      const verdict =
        node.info !== undefined
          ? judge({ address: node.address, info: node.info })
          : notRunVerdict(node.error, reason);
      return verdict ? [{ address: node.address, verdict }] : [];
    });
    if (verdicts.length > 0) results.push(mergeVerdicts(id, title, verdicts));
  };
  perNode(
    'redis-version',
    'Redis version',
    versionVerdict,
    'sess needs Redis 7.0 or Valkey 7.2 (PEXPIRETIME, XAUTOCLAIM).',
  );
  perNode(
    'eviction-policy',
    'Eviction policy',
    evictionVerdict,
    'An eviction policy other than noeviction can delete sessions when memory runs out.',
  );
  perNode(
    'memory',
    'Memory headroom',
    memoryVerdict,
    'A full Redis evicts sessions or refuses sign-ins.',
  );
  perNode(
    'persistence',
    'Persistence and replicas',
    (node) => persistenceVerdict(node, now),
    'Without persistence or a replica, a restart of Redis signs everyone out.',
  );
  perNode(
    'replication',
    'Replication',
    replicationVerdict,
    'A lagging replica loses sessions in a failover; a replica refuses writes.',
  );

  const attempt = async (
    id: string,
    title: string,
    reason: string,
    run: () => Promise<CheckResult> | CheckResult,
  ): Promise<void> => {
    try {
      results.push(await run());
    } catch (error) {
      results.push(unchecked(id, title, error, reason));
    }
  };
  if (connection.sentinels) {
    const sentinels = connection.sentinels;
    await attempt('sentinel', 'Sentinel', 'Sentinel decides failovers.', () =>
      sentinelCheck(sentinels),
    );
  }
  if (connection.topology === 'cluster') {
    await attempt('cluster', 'Cluster', 'The Cluster must cover every slot.', () => {
      if (slotsError !== undefined) throw slotsError;
      return clusterCheck(connection.main, ranges);
    });
    await attempt(
      'bucket-spread',
      'Expiry buckets vs masters',
      'The expiry buckets should spread over the masters.',
      () => {
        if (slotsError !== undefined) throw slotsError;
        return bucketSpreadCheck(store.keys.buckets, ranges);
      },
    );
  }
  await attempt('latency', 'Round-trip latency', 'Every session request pays a round trip.', () =>
    latencyCheck(connection.main, args.pings, progress('Pinging', args.pings)),
  );
  await attempt('clock-skew', 'Clock skew', 'Sessions use application time.', () =>
    clockCheck(connection.main),
  );

  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const result of results) counts[result.status]++;
  const status = worst(results.map((result) => result.status));
  const target =
    connection.topology === 'cluster'
      ? `Cluster of ${readings.length} masters`
      : `${connection.topology} ${connection.main.address}`;
  return {
    exitCode:
      status === 'fail' ? ExitCode.failed : counts.skip > 0 ? ExitCode.partial : ExitCode.ok,
    json: {
      target: { topology: connection.topology, address: connection.main.address },
      status,
      counts,
      checks: results,
    },
    text: renderReport(target, results, counts),
  };
};

const LABEL: Record<CheckStatus, string> = {
  pass: 'PASS',
  skip: 'SKIP',
  warn: 'WARN',
  fail: 'FAIL',
};

function renderReport(
  target: string,
  results: readonly CheckResult[],
  counts: Record<CheckStatus, number>,
): string {
  const width = Math.max(...results.map((result) => result.title.length));
  const lines = [`sess doctor: ${target}`, ''];
  // Several checks may be skipped for the same refused command: its fix is said once.
  const fixesGiven = new Set<string>();
  for (const result of results) {
    lines.push(`${LABEL[result.status]}  ${result.title.padEnd(width)}  ${result.summary}`);
    if (result.status !== 'pass') {
      const indent = ' '.repeat(6);
      lines.push(...wrap(`why: ${result.reason}`, 94).map((line) => indent + line));
      if (result.fix && !fixesGiven.has(result.fix)) {
        lines.push(...wrap(`fix: ${result.fix}`, 94).map((line) => indent + line));
      }
      if (result.fix && result.status === 'skip') fixesGiven.add(result.fix);
    }
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const skipped = counts.skip > 0 ? `, ${counts.skip} not run (refused: see SKIP)` : '';
  lines.push(
    '',
    `${counts.pass} passed, ${plural(counts.warn, 'warning')}, ${counts.fail} failed${skipped}`,
  );
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      // Continuation lines line up after `why: ` / `fix: `.
      line = `     ${word}`;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
