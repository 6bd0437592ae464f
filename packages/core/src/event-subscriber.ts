import { withDeadline } from './deadline.js';
import { SessError } from './errors.js';
import { parseEntry } from './event-entry.js';
import type { CommandCall, RedisPort, RedisReply } from './redis-port.js';
import type { SessionEvent } from './session-events.js';
import {
  type ResolvedSubscribeOptions,
  resolveSubscribeOptions,
  type SubscribeOptions,
  type SubscriptionErrorContext,
} from './subscribe-options.js';

/** Counters of one subscription. */
export interface SubscriptionStats {
  /** Events read from the stream (claimed ones included). */
  readonly received: number;
  /** Handler calls that resolved. */
  readonly handled: number;
  /** Handler calls that threw or rejected. */
  readonly failed: number;
  /** Events of types the subscription does not want, passed over. */
  readonly skipped: number;
  /** Stream entries taken over from a silent consumer (group mode). */
  readonly claimed: number;
  /** Stream entries set aside after `maxDeliveries` (group mode). */
  readonly deadLettered: number;
  /** Failures of any phase (reads, handlers, acks, claims). */
  readonly errors: number;
}

/** A running subscription to the session event stream. */
export interface Subscription {
  readonly mode: 'group' | 'broadcast';
  /** The group (group mode). */
  readonly group: string | undefined;
  /** This consumer's name in the group (group mode). */
  readonly consumer: string | undefined;
  readonly stats: SubscriptionStats;
  /**
   * Stops reading: a blocked read ends at once, a handler in flight finishes and is
   * acknowledged, then the subscription's connection is closed. Idempotent.
   */
  close(): Promise<void>;
}

export interface SubscriptionDependencies {
  /** The store's port: the subscription opens a dedicated connection from it. */
  readonly port: RedisPort;
  readonly stream: string;
  /** Same hash tag as the stream, so one slot. */
  readonly deadLetterStream: string;
  readonly maxLength: number;
  readonly operationTimeout: number;
  readonly onClose?: (subscription: Subscription) => void;
}

/** `[entryId, fields]`; fields are null for an entry deleted while pending. */
type Entry = readonly [string, readonly RedisReply[] | null];

interface DeadEntry {
  readonly entryId: string;
  readonly fields: readonly RedisReply[];
  readonly deliveries: number;
}

/**
 * Opens a subscription: a dedicated connection, and the group (created at the end of the
 * stream, or at its start with `from: 'start'`) or the broadcast starting point. Resolves when
 * events written from now on are sure to be seen.
 */
export async function subscribeToEvents(
  deps: SubscriptionDependencies,
  options: SubscribeOptions,
): Promise<Subscription> {
  const resolved = resolveSubscribeOptions(options);
  const port = await deps.port.dedicated();
  const subscription = new EventSubscription(deps, resolved, port);
  try {
    await subscription.setUp();
  } catch (error) {
    await port.close().catch(() => undefined);
    throw error;
  }
  subscription.run();
  return subscription;
}

class EventSubscription implements Subscription {
  readonly mode: 'group' | 'broadcast';
  readonly group: string | undefined;
  readonly consumer: string | undefined;
  readonly #deps: SubscriptionDependencies;
  readonly #options: ResolvedSubscribeOptions;
  readonly #port: RedisPort;
  readonly #stats = {
    received: 0,
    handled: 0,
    failed: 0,
    skipped: 0,
    claimed: 0,
    deadLettered: 0,
    errors: 0,
  };
  /** Broadcast: the last entry seen. */
  #lastId = '0-0';
  /** Group: where the next XAUTOCLAIM scan starts, and when it is due (monotonic ms). */
  #claimCursor = '0-0';
  #claimDueAt = 0;
  #state: 'idle' | 'reading' | 'handling' | 'waiting' = 'idle';
  #loop: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(deps: SubscriptionDependencies, options: ResolvedSubscribeOptions, port: RedisPort) {
    this.#deps = deps;
    this.#options = options;
    this.#port = port;
    this.mode = options.mode;
    this.group = options.mode === 'group' ? options.group : undefined;
    this.consumer = options.mode === 'group' ? options.consumer : undefined;
  }

  get stats(): SubscriptionStats {
    return { ...this.#stats };
  }

  async setUp(): Promise<void> {
    if (this.mode === 'group') {
      await this.#createGroup(this.#options.from === 'start' ? '0' : '$');
      return;
    }
    // XREAD from `$` again after each empty read could miss entries written in between:
    // start from the newest entry now and follow ids from there.
    const stream = this.#deps.stream;
    const newest = await this.#send({
      command: 'XREVRANGE',
      keys: [stream],
      args: [stream, '+', '-', 'COUNT', 1],
    });
    const first = Array.isArray(newest) ? newest[0] : undefined;
    if (Array.isArray(first)) this.#lastId = String(first[0]);
  }

  run(): void {
    this.#loop = this.mode === 'group' ? this.#groupLoop() : this.#broadcastLoop();
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    // A blocked read or a wait ends now; a handler in flight is waited for.
    this.#wake?.();
    if (this.#state === 'reading') await this.#port.close().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#loop,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#options.closeTimeout);
      }),
    ]);
    clearTimeout(timer);
    await this.#port.close().catch(() => undefined);
    this.#deps.onClose?.(this);
  }

  get #closed(): boolean {
    return this.#closing !== undefined;
  }

  // ---- group mode --------------------------------------------------------------------------

  async #groupLoop(): Promise<void> {
    const { count, block } = this.#options;
    const stream = this.#deps.stream;
    while (!this.#closed) {
      try {
        if (performance.now() >= this.#claimDueAt) {
          await this.#claimRound();
          continue;
        }
        const wait = Math.max(1, Math.min(block, Math.ceil(this.#claimDueAt - performance.now())));
        const reply = await this.#read(
          {
            command: 'XREADGROUP',
            keys: [stream],
            args: [
              'GROUP',
              this.#options.group,
              this.#options.consumer,
              'COUNT',
              count,
              'BLOCK',
              wait,
              'STREAMS',
              stream,
              '>',
            ],
          },
          wait,
        );
        const entries = streamEntries(reply);
        if (entries.length > 0) await this.#handleGroupEntries(entries, () => 1);
      } catch (error) {
        if (this.#closed) break;
        if (isNoGroup(error)) {
          // The stream or the group was deleted: start again from now.
          await this.#createGroup('$').catch((again: unknown) => this.#report(again, 'read'));
          continue;
        }
        this.#report(error, 'read');
        await this.#pause(this.#options.retryDelay);
      }
    }
  }

  /**
   * Takes over entries another consumer (or this one, earlier) has held for `claimIdle`
   * without acknowledging: handles them again, or sets them aside after `maxDeliveries`.
   */
  async #claimRound(): Promise<void> {
    const { group, consumer, claimIdle, count } = this.#options;
    const stream = this.#deps.stream;
    let reply: RedisReply;
    try {
      reply = await this.#send({
        command: 'XAUTOCLAIM',
        keys: [stream],
        args: [stream, group, consumer, claimIdle, this.#claimCursor, 'COUNT', count],
      });
    } catch (error) {
      this.#claimDueAt = performance.now() + claimIdle;
      throw error;
    }
    const [cursor, claimedReply] = Array.isArray(reply) ? reply : [];
    this.#claimCursor = typeof cursor === 'string' ? cursor : '0-0';
    // A cursor back at 0-0 means the whole pending list was looked at: next look in claimIdle.
    this.#claimDueAt =
      this.#claimCursor === '0-0' ? performance.now() + claimIdle * (0.8 + 0.4 * Math.random()) : 0;
    const claimed = entryList(claimedReply);
    if (claimed.length === 0) return;
    this.#stats.claimed += claimed.length;
    const deliveries = await this.#deliveryCounts(claimed);
    await this.#handleGroupEntries(claimed, (id) => deliveries.get(id) ?? 1);
  }

  /** How often each claimed entry was delivered, from the pending list (one command). */
  async #deliveryCounts(entries: readonly Entry[]): Promise<Map<string, number>> {
    const stream = this.#deps.stream;
    const counts = new Map<string, number>();
    const first = entries[0]?.[0] as string;
    const last = entries[entries.length - 1]?.[0] as string;
    try {
      const rows = await this.#send({
        command: 'XPENDING',
        keys: [stream],
        args: [stream, this.#options.group, first, last, entries.length, this.#options.consumer],
      });
      if (Array.isArray(rows)) {
        for (const row of rows) {
          if (Array.isArray(row)) counts.set(String(row[0]), Number(row[3]));
        }
      }
    } catch (error) {
      this.#report(error, 'claim');
    }
    return counts;
  }

  async #handleGroupEntries(
    entries: readonly Entry[],
    deliveriesOf: (entryId: string) => number,
  ): Promise<void> {
    const { maxDeliveries } = this.#options;
    const acknowledged: string[] = [];
    const dead: DeadEntry[] = [];
    this.#state = 'handling';
    try {
      for (const [entryId, fields] of entries) {
        if (fields === null) continue;
        const deliveries = deliveriesOf(entryId);
        if (deliveries > maxDeliveries) {
          dead.push({ entryId, fields, deliveries });
          continue;
        }
        // Acknowledged once every event in it was handled; else the group hands it out again.
        if (await this.#handleEntry(entryId, fields, deliveries)) acknowledged.push(entryId);
      }
      if (dead.length > 0) await this.#setAside(dead);
      if (acknowledged.length > 0) await this.#acknowledge(acknowledged);
    } finally {
      this.#state = 'idle';
    }
  }

  /** Calls the handler for each event of an entry; false if any of them failed. */
  async #handleEntry(
    entryId: string,
    fields: readonly RedisReply[],
    deliveries: number,
  ): Promise<boolean> {
    const { handler, types } = this.#options;
    const events = parseEntry(fields);
    if (!events) {
      const error = new SessError('REDIS_ERROR', `entry ${entryId} is not a session event`);
      this.#report(error, 'parse', entryId);
      return true;
    }
    let ok = true;
    for (const event of events) {
      this.#stats.received++;
      if (types && !types.has(event.type)) {
        this.#stats.skipped++;
        continue;
      }
      try {
        await handler(event, { entryId, deliveries });
        this.#stats.handled++;
      } catch (error) {
        ok = false;
        this.#stats.failed++;
        this.#report(error, 'handler', entryId, event);
      }
    }
    return ok;
  }

  async #acknowledge(entryIds: readonly string[]): Promise<void> {
    const stream = this.#deps.stream;
    try {
      await this.#send({
        command: 'XACK',
        keys: [stream],
        args: [stream, this.#options.group, ...entryIds],
      });
    } catch (error) {
      // They stay pending and come back after claimIdle: handled twice, never lost.
      this.#report(error, 'ack', entryIds[0]);
    }
  }

  /** Copies entries past `maxDeliveries` to the dead-letter stream, then acknowledges them. */
  async #setAside(dead: readonly DeadEntry[]): Promise<void> {
    const { group } = this.#options;
    const target = this.#deps.deadLetterStream;
    const calls: CommandCall[] = dead.map(({ entryId, fields, deliveries }) => ({
      command: 'XADD',
      keys: [target],
      args: [
        target,
        'MAXLEN',
        '~',
        this.#deps.maxLength,
        '*',
        ...fields.map(String),
        'sourceId',
        entryId,
        'group',
        group,
        'deliveries',
        deliveries,
      ],
    }));
    try {
      const results = await withDeadline(this.#deps.operationTimeout, 'dead letter', (signal) =>
        this.#port.batch(calls, { signal }),
      );
      const failed = results.find((result) => result instanceof Error);
      if (failed) throw failed;
    } catch (error) {
      // Not acknowledged either: the next claim tries again.
      this.#report(error, 'dead-letter', dead[0]?.entryId);
      return;
    }
    await this.#acknowledge(dead.map(({ entryId }) => entryId));
    for (const { entryId, fields, deliveries } of dead) {
      this.#stats.deadLettered++;
      const letter = {
        entryId,
        events: parseEntry(fields) ?? [],
        deliveries,
        group,
        stream: target,
      };
      try {
        this.#options.onDeadLetter(letter);
      } catch {}
    }
  }

  async #createGroup(start: '$' | '0'): Promise<void> {
    const stream = this.#deps.stream;
    try {
      await this.#send({
        command: 'XGROUP',
        keys: [stream],
        args: ['CREATE', stream, this.#options.group, start, 'MKSTREAM'],
      });
    } catch (error) {
      if (!(error instanceof Error && /BUSYGROUP/.test(messageChain(error)))) throw error;
    }
  }

  // ---- broadcast mode ----------------------------------------------------------------------

  async #broadcastLoop(): Promise<void> {
    const { count, block } = this.#options;
    const stream = this.#deps.stream;
    while (!this.#closed) {
      try {
        const reply = await this.#read(
          {
            command: 'XREAD',
            keys: [stream],
            args: ['COUNT', count, 'BLOCK', block, 'STREAMS', stream, this.#lastId],
          },
          block,
        );
        this.#state = 'handling';
        for (const [entryId, fields] of streamEntries(reply)) {
          this.#lastId = entryId;
          // Broadcast has no retries: a failed handler is reported and passed over.
          if (fields) await this.#handleEntry(entryId, fields, 1);
        }
      } catch (error) {
        if (this.#closed) break;
        this.#report(error, 'read');
        await this.#pause(this.#options.retryDelay);
      } finally {
        this.#state = 'idle';
      }
    }
  }

  // ---- plumbing ----------------------------------------------------------------------------

  /** A blocking read: its deadline is the block time plus the store's deadline. */
  async #read(call: CommandCall, block: number): Promise<RedisReply> {
    this.#state = 'reading';
    try {
      return await withDeadline(block + this.#deps.operationTimeout, 'event read', (signal) =>
        this.#port.send(call, { signal }),
      );
    } finally {
      this.#state = 'idle';
    }
  }

  #send(call: CommandCall): Promise<RedisReply> {
    return withDeadline(this.#deps.operationTimeout, 'event subscription', (signal) =>
      this.#port.send(call, { signal }),
    );
  }

  /** Waits `ms`, or less if the subscription closes meanwhile. */
  #pause(ms: number): Promise<void> {
    this.#state = 'waiting';
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    }).finally(() => {
      this.#state = 'idle';
    });
  }

  #report(
    error: unknown,
    phase: SubscriptionErrorContext['phase'],
    entryId?: string,
    event?: SessionEvent,
  ): void {
    // After close, what a straggling handler's acknowledgement meets is no news.
    if (this.#closed && phase !== 'handler') return;
    this.#stats.errors++;
    const context: SubscriptionErrorContext = { phase, entryId, event };
    try {
      this.#options.onError(error, context);
    } catch {}
  }
}

/** Entries of an XREAD / XREADGROUP reply on one stream (`[[key, entries]]` or nil). */
function streamEntries(reply: RedisReply): Entry[] {
  if (!Array.isArray(reply)) return [];
  const first = reply[0];
  return Array.isArray(first) ? entryList(first[1]) : [];
}

function entryList(reply: RedisReply | undefined): Entry[] {
  if (!Array.isArray(reply)) return [];
  const entries: Entry[] = [];
  for (const item of reply) {
    if (!Array.isArray(item)) continue;
    const fields = item[1];
    entries.push([String(item[0]), Array.isArray(fields) ? fields : null]);
  }
  return entries;
}

function isNoGroup(error: unknown): boolean {
  return error instanceof Error && /NOGROUP/.test(messageChain(error));
}

/** The message of an error and its causes: the core wraps Redis' own errors. */
function messageChain(error: Error): string {
  let text = error.message;
  let cause: unknown = error.cause;
  while (cause instanceof Error) {
    text += ` ${cause.message}`;
    cause = cause.cause;
  }
  return text;
}
