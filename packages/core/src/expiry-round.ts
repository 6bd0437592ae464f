import { xaddEntry } from './event-entry.js';
import type { KeyLayout } from './key-layout.js';
import {
  DEFAULT_LIFETIME,
  type LifetimePolicy,
  type ResolvedLifetimes,
} from './lifetime-policy.js';
import type { CommandCall, PortCall, RedisReply } from './redis-port.js';
import type { SessionEvent } from './session-events.js';
import { isValidSessionId } from './session-id.js';
import { META } from './session-record.js';
import { parseStoredTimes } from './stored-times.js';

/** Sends calls in one round trip with the store's deadline; per-call errors stand in place. */
export type RoundBatch = (what: string, calls: PortCall[]) => Promise<Array<RedisReply | Error>>;

export interface ExpiryRoundContext {
  readonly keys: KeyLayout;
  readonly batch: RoundBatch;
  readonly batchSize: number;
  /** How long Redis keeps a hash past its expiry (the store's `grace`). */
  readonly grace: number;
  /** The store's lifetime policies: a session's expiry follows its policy as configured now. */
  readonly lifetimes: ResolvedLifetimes;
  /** The store's deadline: a session take in flight has finished within it. */
  readonly operationTimeout: number;
  readonly eventStream: false | { readonly maxLength: number };
  /** Events per stream entry (see event-entry.ts). */
  readonly eventsPerEntry: number;
  /**
   * Index entries whose hash was missing before its grace ran out, by id, with when they were
   * first seen (monotonic ms). Such a session is being taken by a destroy, revoke or
   * regenerate, which removes the entry itself a moment later; if the entry is still there
   * one deadline later, nobody is, and it expires like any other.
   */
  readonly suspects: Map<string, number>;
  readonly onError: (error: Error) => void;
}

export interface ExpiryRoundResult {
  /** Sessions whose `expired` event was written (or would have been: stream off) and data deleted. */
  expired: number;
  /** Of `expired`, those whose hash Redis had already deleted. */
  gone: number;
  /** Index entries that lagged behind a session extended meanwhile, moved to its real expiry. */
  extended: number;
  /** The oldest due expiry seen, if anything was due. */
  oldestDue: number | undefined;
  /** Buckets that returned a full batch and made progress: worth another round. */
  again: string[];
}

interface DueEntry {
  readonly bucket: string;
  readonly id: string;
  readonly score: number;
}

/**
 * One round of cleanup over `buckets`: read what is due, write the `expired` events, then
 * delete the sessions and their index entries, in that order. A crash anywhere leaves the
 * index entry in place until after the event was written, so a later round writes it again:
 * events can be duplicated, never lost. Costs per expired session: one HMGET and one DEL, plus
 * shares of one XADD per `eventsPerEntry` events and of one ZRANGEBYSCORE and one ZREM per bucket.
 */
export async function expiryRound(
  context: ExpiryRoundContext,
  buckets: readonly string[],
  now: number,
): Promise<ExpiryRoundResult> {
  const { keys, batchSize } = context;
  const result: ExpiryRoundResult = {
    expired: 0,
    gone: 0,
    extended: 0,
    oldestDue: undefined,
    again: [],
  };
  const ranges = await context.batch(
    'cleaner',
    buckets.map((bucket) => ({
      command: 'ZRANGEBYSCORE',
      keys: [bucket],
      args: [bucket, '-inf', now, 'WITHSCORES', 'LIMIT', 0, batchSize],
    })),
  );
  const due: DueEntry[] = [];
  const invalid = new Map<string, string[]>();
  const full = new Set<string>();
  buckets.forEach((bucket, b) => {
    const reply = ranges[b];
    if (reply instanceof Error) {
      context.onError(reply);
      return;
    }
    if (!Array.isArray(reply)) return;
    if (reply.length / 2 >= batchSize) full.add(bucket);
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const id = String(reply[i]);
      const score = Number(reply[i + 1]);
      if (!isValidSessionId(id)) {
        // Not ours: no session can live under it. Only the index entry goes.
        addTo(invalid, bucket, id);
        continue;
      }
      due.push({ bucket, id, score });
      if (result.oldestDue === undefined || score < result.oldestDue) result.oldestDue = score;
    }
  });
  if (due.length === 0 && invalid.size === 0) return result;

  const reads = await context.batch(
    'cleaner',
    due.map(({ id }) => {
      const key = keys.session(id);
      return {
        command: 'HMGET',
        keys: [key],
        args: [key, META.times, META.principal, META.moved, META.lifetime],
      };
    }),
  );

  const events: SessionEvent[] = [];
  const deleteKeys: string[] = [];
  const unindex = invalid;
  const reindex = new Map<string, Array<string | number>>();
  const progress = new Set<string>(invalid.keys());
  const clock = performance.now();
  due.forEach((entry, i) => {
    const reply = reads[i];
    if (reply instanceof Error || !Array.isArray(reply)) {
      if (reply instanceof Error) context.onError(reply);
      return;
    }
    const [timesText, principal, movedTo, lifetime] = reply;
    if ((timesText === null || timesText === undefined) && typeof movedTo === 'string') {
      // Moved to a new id by a regenerate that did not get to remove this entry: the session
      // lives on under its new id, so there is nothing to expire.
      addTo(unindex, entry.bucket, entry.id);
      progress.add(entry.bucket);
      return;
    }
    if (timesText === null || timesText === undefined) {
      if (now - entry.score < context.grace) {
        const seen = context.suspects.get(entry.id);
        if (seen === undefined) {
          context.suspects.set(entry.id, clock);
          return;
        }
        if (clock - seen < context.operationTimeout) return;
      }
      context.suspects.delete(entry.id);
      // Redis deleted the hash: the event says what the index knew, the expiry.
      events.push({ type: 'expired', id: entry.id, at: entry.score, reason: 'unknown' });
      addTo(unindex, entry.bucket, entry.id);
      progress.add(entry.bucket);
      result.gone++;
      return;
    }
    // Times that do not parse (written by hand, or by another version) end the session: the
    // store would not load it either.
    const times = parseStoredTimes(String(timesText));
    // The policy as configured now: a timeout shortened since the last write ends it sooner.
    const policy =
      context.lifetimes.get(typeof lifetime === 'string' ? lifetime : DEFAULT_LIFETIME) ??
      (context.lifetimes.get(DEFAULT_LIFETIME) as LifetimePolicy);
    const expiresAt =
      times === undefined
        ? entry.score
        : Math.min(
            times.expiresAt,
            times.lastAccessAt + policy.idleTimeout,
            times.createdAt + policy.absoluteTimeout,
          );
    if (times !== undefined && expiresAt > now) {
      // GT: never moves an entry back if a commit moved it further meanwhile.
      const pairs = reindex.get(entry.bucket) ?? [];
      pairs.push(expiresAt, entry.id);
      reindex.set(entry.bucket, pairs);
      progress.add(entry.bucket);
      result.extended++;
      return;
    }
    events.push({
      type: 'expired',
      id: entry.id,
      principal: typeof principal === 'string' ? principal : undefined,
      at: expiresAt,
      reason:
        times === undefined
          ? 'unknown'
          : expiresAt >= times.createdAt + policy.absoluteTimeout
            ? 'absolute'
            : 'idle',
    });
    deleteKeys.push(keys.session(entry.id));
    addTo(unindex, entry.bucket, entry.id);
    progress.add(entry.bucket);
  });

  // The events first: if this fails, nothing was deleted and the next round tries again.
  if (events.length > 0 && context.eventStream) {
    const stream = keys.events;
    const maxLength = context.eventStream.maxLength;
    const calls: PortCall[] = [];
    for (let i = 0; i < events.length; i += context.eventsPerEntry) {
      calls.push(xaddEntry(stream, maxLength, events.slice(i, i + context.eventsPerEntry)));
    }
    const written = await context.batch('cleaner', calls);
    const failed = written.find((reply) => reply instanceof Error);
    if (failed) throw failed;
  }

  const cleanup: PortCall[] = deleteCalls(deleteKeys);
  for (const [bucket, ids] of unindex) {
    cleanup.push({ command: 'ZREM', keys: [bucket], args: [bucket, ...ids] });
  }
  for (const [bucket, pairs] of reindex) {
    cleanup.push({ command: 'ZADD', keys: [bucket], args: [bucket, 'XX', 'GT', ...pairs] });
  }
  if (cleanup.length > 0) {
    // A failure here only repeats work: the next round finds the same entries again.
    const replies = await context.batch('cleaner', cleanup);
    for (const reply of replies) if (reply instanceof Error) context.onError(reply);
  }
  result.expired = events.length;
  result.again = [...full].filter((bucket) => progress.has(bucket));
  return result;
}

/** One DEL per session: each session key is on a slot of its own. */
function deleteCalls(sessionKeys: readonly string[]): CommandCall[] {
  return sessionKeys.map((key) => ({ command: 'DEL', keys: [key], args: [key] }));
}

function addTo(map: Map<string, string[]>, bucket: string, id: string): void {
  const list = map.get(bucket);
  if (list) list.push(id);
  else map.set(bucket, [id]);
}
