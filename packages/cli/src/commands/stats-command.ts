import {
  type EventStreamFigures,
  type ExpiryIndexFigures,
  readEventStream,
  readExpiryIndex,
} from '@sess/core/internal';
import type { Command } from '../command.js';
import { CommandRefusedError, isRefusal } from '../command-refused.js';
import { ExitCode } from '../exit-codes.js';
import { formatBytes, formatCount, formatDuration } from '../format.js';
import { infoNumber, parseInfo } from '../info-text.js';
import { renderPairs, renderTable } from '../text-table.js';
import { withTimeout } from '../with-timeout.js';

/** A figure `stats` could not read because the server refused a command it needs. */
export interface FigureNotRead {
  /** `sessions`, `events`, `cleaner lease` or `redis`. */
  readonly figure: string;
  /** The command(s) the figure needs, as ACL rules name them. */
  readonly command: string;
  /** What the server answered. */
  readonly reply: string;
}

/**
 * `sess stats`: what the store holds and how cleanup keeps up, from O(buckets) reads: ZCOUNT
 * and one ZRANGE per bucket, GET + PTTL of the lease, XLEN + XINFO GROUPS, one INFO. A figure
 * whose commands the server refuses to this user is left out (null in JSON) and named; the
 * others are still shown, and the exit code is 4.
 */
export const statsCommand: Command = async ({ connection, openStore }) => {
  const store = openStore();
  const lease = store.keys.lease;
  const notRead: FigureNotRead[] = [];
  /** The figure, or undefined when refused; any other error fails the command as before. */
  const figure = async <T>(
    name: string,
    command: string,
    read: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      const reply = refusalReply(error);
      if (reply === undefined) throw error;
      notRead.push({ figure: name, command, reply });
      return undefined;
    }
  };
  const [index, stream, leaseReplies, infoText] = await Promise.all([
    figure('sessions', 'ZCOUNT, ZRANGE', () => readExpiryIndex(store)),
    figure('events', 'XLEN, XINFO GROUPS', () => readEventStream(store)),
    figure('cleaner lease', 'GET, PTTL', async () => {
      const replies = await withTimeout(
        connection.port.batch(
          [
            { command: 'GET', keys: [lease], args: [lease] },
            { command: 'PTTL', keys: [lease], args: [lease] },
          ],
          { signal: AbortSignal.timeout(connection.timeout) },
        ),
        connection.timeout,
        'cleaner lease',
      );
      const refused = replies.find(
        (reply): reply is Error => reply instanceof Error && isRefusal(reply.message),
      );
      if (refused) throw refused;
      return replies.map((reply) => (reply instanceof Error ? null : reply));
    }),
    figure('redis', 'INFO', () => connection.main.call(['INFO'])),
  ]);
  const [holder, leaseTtl] = leaseReplies ?? [];
  const info = parseInfo(infoText);
  const ttl = Number(leaseTtl);
  const cleaner = leaseReplies && {
    holder: typeof holder === 'string' ? holder : null,
    leaseTtlMs: ttl >= 0 ? ttl : null,
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
    at: index?.at ?? Date.now(),
    sessions: index ? { active: index.active, due: index.due } : null,
    buckets:
      index?.buckets.map((bucket) => ({
        key: bucket.key,
        live: bucket.live,
        due: bucket.due,
        oldestDue: bucket.oldestDue ?? null,
      })) ?? null,
    cleaner: {
      holder: cleaner ? cleaner.holder : null,
      leaseTtlMs: cleaner ? cleaner.leaseTtlMs : null,
      lagMs: index ? index.lag : null,
      due: index ? index.due : null,
    },
    events: stream
      ? {
          stream: stream.key,
          length: stream.length,
          deadLetters: stream.deadLetters,
          groups: stream.groups.map((group) => ({ ...group, lag: group.lag ?? null })),
        }
      : null,
    redis,
    notRead,
  };
  const sections = [
    ...indexSections(store.keys.prefix, index, notRead),
    cleanerSection(cleaner, index, notRead),
    ...streamSections(stream, notRead),
    redisSection(redis, notRead),
  ];
  if (notRead.length > 0) {
    sections.push(
      `Not read (refused to this user): ${notRead.map((entry) => entry.figure).join(', ')}. Allow the commands named above (the least-privilege page of the sess docs has the CLI's ACL rules).`,
    );
  }
  return {
    exitCode: notRead.length > 0 ? ExitCode.partial : ExitCode.ok,
    json,
    text: sections.join('\n\n'),
  };
};

/** The server's refusal in `error` (directly, or as the cause of the core's error), if it is one. */
function refusalReply(error: unknown): string | undefined {
  if (error instanceof CommandRefusedError) return error.reply;
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (isRefusal(current.message)) return current.message;
  }
  return undefined;
}

function refusedLine(name: string, notRead: readonly FigureNotRead[]): string {
  const entry = notRead.find((candidate) => candidate.figure === name);
  return entry ? `not read: ${entry.command} refused (${entry.reply})` : '?';
}

function indexSections(
  prefix: string,
  index: ExpiryIndexFigures | undefined,
  notRead: readonly FigureNotRead[],
): string[] {
  if (!index) {
    return [
      renderPairs([
        ['Active sessions', refusedLine('sessions', notRead)],
        ['Key prefix', prefix],
      ]),
    ];
  }
  const lives = index.buckets.map((bucket) => bucket.live);
  const mean = index.active / Math.max(1, lives.length);
  const spread =
    index.active === 0
      ? 'no live sessions'
      : `min ${Math.min(...lives)}, max ${Math.max(...lives)}, mean ${mean.toFixed(1)} per bucket`;
  return [
    renderPairs([
      ['Active sessions', formatCount(index.active)],
      ['Due, not cleaned', formatCount(index.due)],
      ['Key prefix', `${prefix} (${index.buckets.length} buckets: ${spread})`],
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
  ];
}

function cleanerSection(
  cleaner: { holder: string | null; leaseTtlMs: number | null } | undefined,
  index: ExpiryIndexFigures | undefined,
  notRead: readonly FigureNotRead[],
): string {
  return renderPairs([
    [
      'Cleaner lease',
      !cleaner
        ? refusedLine('cleaner lease', notRead)
        : cleaner.holder === null
          ? 'free: no cleaner holds it (is any instance running one?)'
          : `held by ${cleaner.holder}${cleaner.leaseTtlMs === null ? ' (no expiry!)' : `, ${formatDuration(cleaner.leaseTtlMs)} left`}`,
    ],
    [
      'Cleanup lag',
      !index
        ? refusedLine('sessions', notRead)
        : index.lag === 0
          ? 'none: nothing is due'
          : `${formatDuration(index.lag)} behind`,
    ],
  ]);
}

function streamSections(
  stream: EventStreamFigures | undefined,
  notRead: readonly FigureNotRead[],
): string[] {
  if (!stream) return [renderPairs([['Event stream', refusedLine('events', notRead)]])];
  return [
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
  ];
}

interface RedisFigures {
  readonly address: string;
  readonly topology: string;
  readonly version: string | null;
  readonly role: string | null;
  readonly connectedReplicas: number | null;
  readonly opsPerSec: number | null;
  readonly usedMemory: number | null;
  readonly maxmemory: number | null;
  readonly maxmemoryPolicy: string | null;
  readonly connectedClients: number | null;
}

function redisSection(redis: RedisFigures, notRead: readonly FigureNotRead[]): string {
  if (notRead.some((entry) => entry.figure === 'redis')) {
    return renderPairs([
      ['Redis', `${redis.address} (${redis.topology}): ${refusedLine('redis', notRead)}`],
    ]);
  }
  return renderPairs([
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
  ]);
}
