import { readEventStream, readExpiryIndex } from '@sess/core';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { formatBytes, formatCount, formatDuration } from '../format.js';
import { infoNumber, parseInfo } from '../info-text.js';
import { renderPairs, renderTable } from '../text-table.js';
import { withTimeout } from '../with-timeout.js';

/**
 * `sess stats`: what the store holds and how cleanup keeps up, from O(buckets) reads: ZCOUNT
 * and one ZRANGE per bucket, GET + PTTL of the lease, XLEN + XINFO GROUPS, one INFO.
 */
export const statsCommand: Command = async ({ connection, openStore }) => {
  const store = openStore();
  const lease = store.keys.lease;
  const [index, stream, leaseReplies, infoText] = await Promise.all([
    readExpiryIndex(store),
    readEventStream(store),
    withTimeout(
      connection.port.batch(
        [
          { command: 'GET', keys: [lease], args: [lease] },
          { command: 'PTTL', keys: [lease], args: [lease] },
        ],
        { signal: AbortSignal.timeout(connection.timeout) },
      ),
      connection.timeout,
      'cleaner lease',
    ),
    connection.main.call(['INFO']),
  ]);
  const [holder, leaseTtl] = leaseReplies.map((reply) => (reply instanceof Error ? null : reply));
  const info = parseInfo(infoText);
  const ttl = Number(leaseTtl);
  const cleaner = {
    holder: typeof holder === 'string' ? holder : null,
    leaseTtlMs: ttl >= 0 ? ttl : null,
    lagMs: index.lag,
    due: index.due,
  };
  const redis = {
    address: connection.main.address,
    topology: connection.topology,
    version: info.get('redis_version') ?? null,
    role: info.get('role') ?? null,
    connectedReplicas: infoNumber(info, 'connected_slaves') ?? null,
    opsPerSec: infoNumber(info, 'instantaneous_ops_per_sec') ?? null,
    usedMemory: infoNumber(info, 'used_memory') ?? null,
    maxmemory: infoNumber(info, 'maxmemory') ?? null,
    maxmemoryPolicy: info.get('maxmemory_policy') ?? null,
    connectedClients: infoNumber(info, 'connected_clients') ?? null,
  };
  const json = {
    prefix: store.keys.prefix,
    at: index.at,
    sessions: { active: index.active, due: index.due },
    buckets: index.buckets.map((bucket) => ({
      key: bucket.key,
      live: bucket.live,
      due: bucket.due,
      oldestDue: bucket.oldestDue ?? null,
    })),
    cleaner,
    events: {
      stream: stream.key,
      length: stream.length,
      deadLetters: stream.deadLetters,
      groups: stream.groups.map((group) => ({ ...group, lag: group.lag ?? null })),
    },
    redis,
  };

  const lives = index.buckets.map((bucket) => bucket.live);
  const mean = index.active / Math.max(1, lives.length);
  const spread =
    index.active === 0
      ? 'no live sessions'
      : `min ${Math.min(...lives)}, max ${Math.max(...lives)}, mean ${mean.toFixed(1)} per bucket`;
  const sections = [
    renderPairs([
      ['Active sessions', formatCount(index.active)],
      ['Due, not cleaned', formatCount(index.due)],
      ['Key prefix', `${store.keys.prefix} (${index.buckets.length} buckets: ${spread})`],
    ]),
    renderTable(
      [
        { header: 'Bucket' },
        { header: 'Live', align: 'right' },
        { header: 'Due', align: 'right' },
        { header: 'Oldest due', align: 'right' },
      ],
      index.buckets.map((bucket) => [
        bucket.key,
        formatCount(bucket.live),
        formatCount(bucket.due),
        bucket.oldestDue === undefined ? '-' : `${formatDuration(index.at - bucket.oldestDue)} ago`,
      ]),
    ),
    renderPairs([
      [
        'Cleaner lease',
        cleaner.holder === null
          ? 'free: no cleaner holds it (is any instance running one?)'
          : `held by ${cleaner.holder}${cleaner.leaseTtlMs === null ? ' (no expiry!)' : `, ${formatDuration(cleaner.leaseTtlMs)} left`}`,
      ],
      [
        'Cleanup lag',
        index.lag === 0 ? 'none: nothing is due' : `${formatDuration(index.lag)} behind`,
      ],
    ]),
    renderPairs([
      ['Event stream', `${stream.key}: ${formatCount(stream.length)} entries`],
      ['Dead letters', formatCount(stream.deadLetters)],
    ]),
    stream.groups.length === 0
      ? 'No consumer groups.'
      : renderTable(
          [
            { header: 'Group' },
            { header: 'Consumers', align: 'right' },
            { header: 'Pending', align: 'right' },
            { header: 'Lag', align: 'right' },
            { header: 'Last delivered' },
          ],
          stream.groups.map((group) => [
            group.name,
            String(group.consumers),
            formatCount(group.pending),
            group.lag === undefined ? '?' : formatCount(group.lag),
            group.lastDeliveredId,
          ]),
        ),
    renderPairs([
      [
        'Redis',
        `${redis.version ?? '?'} at ${redis.address} (${redis.topology}, role ${redis.role ?? '?'}, ${redis.connectedReplicas ?? 0} replicas)`,
      ],
      ['Ops per second', String(redis.opsPerSec ?? '?')],
      [
        'Memory',
        `${redis.usedMemory === null ? '?' : formatBytes(redis.usedMemory)} used, maxmemory ${redis.maxmemory ? formatBytes(redis.maxmemory) : 'none'}`,
      ],
      ['maxmemory-policy', redis.maxmemoryPolicy ?? '?'],
      ['Clients', String(redis.connectedClients ?? '?')],
    ]),
  ];
  return { exitCode: ExitCode.ok, json, text: sections.join('\n\n') };
};
