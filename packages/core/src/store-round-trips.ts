import { toSessError, withDeadline } from './deadline.js';
import { isSessError, SessError } from './errors.js';
import { xaddEntry } from './event-entry.js';
import { isStreamed } from './event-stream-options.js';
import type { KeyLayout } from './key-layout.js';
import {
  observeOperation,
  quietly,
  type SessionObserver,
  type StoreOperation,
} from './observer.js';
import type { PortCall, RedisPort, RedisReply } from './redis-port.js';
import { RepairQueue } from './repair-queue.js';
import type { SessionEvent } from './session-events.js';
import type { ResolvedStoreOptions } from './store-options.js';

/** Most pending repairs one store keeps (see `RepairQueue`). */
const MAX_PENDING_REPAIRS = 10_000;

/**
 * A store's round trips to Redis: each under the store's deadline and told to its observer;
 * and the last round trip of an operation whose effect has happened (`finish`), whose failures
 * go to the repair queue instead of failing the operation.
 */
export class StoreRoundTrips {
  readonly repairs: RepairQueue;
  readonly #port: RedisPort;
  readonly #options: ResolvedStoreOptions;
  readonly #keys: KeyLayout;
  readonly #isClosed: () => boolean;
  /** Tells this instance's listeners of an event (`store.on`). */
  readonly #emit: (event: SessionEvent) => void;

  constructor(deps: {
    readonly options: ResolvedStoreOptions;
    readonly keys: KeyLayout;
    readonly isClosed: () => boolean;
    readonly emit: (event: SessionEvent) => void;
  }) {
    this.#options = deps.options;
    this.#port = deps.options.port;
    this.#keys = deps.keys;
    this.#isClosed = deps.isClosed;
    this.#emit = deps.emit;
    this.repairs = new RepairQueue({
      limit: MAX_PENDING_REPAIRS,
      retryable: isRetryable,
      onDropped: (name, cause) => {
        const error = new SessError('UNAVAILABLE', `${name}: repair given up`, { cause });
        this.tell((observer) => observer.repairDropped?.(error));
      },
    });
  }

  /** Reports to the observer, if there is one; an observer that throws changes nothing. */
  tell(report: (observer: SessionObserver) => void): void {
    const observer = this.#options.observer;
    if (observer) quietly(() => report(observer));
  }

  assertOpen(): void {
    if (this.#isClosed()) throw new SessError('CLOSED', 'the session store was closed');
  }

  /** `operation` under the deadline and the observer; `then` maps its reply (see `withDeadline`). */
  call<T, R = T>(
    what: StoreOperation,
    operation: (signal: AbortSignal) => Promise<T>,
    then?: (value: T) => R,
    open = true,
  ): Promise<R> {
    if (open) this.assertOpen();
    const timed = () => withDeadline(this.#options.operationTimeout, what, operation, then);
    const observer = this.#options.observer;
    return observer ? observeOperation(observer, what, timed) : timed();
  }

  /**
   * One round trip; each call's reply or error in its place. Rejects only when the round trip
   * itself failed (no answer in time: `UNAVAILABLE`). `open: false` for repairs, which a
   * closing store still tries.
   */
  send(what: StoreOperation, calls: PortCall[], open = true): Promise<Array<RedisReply | Error>> {
    if (calls.length === 0) return Promise.resolve([]);
    return this.call(what, (signal) => this.#port.batch(calls, { signal }), undefined, open);
  }

  /** One round trip where every call matters: a failed call fails the operation. */
  async batch(what: StoreOperation, calls: PortCall[]): Promise<RedisReply[]> {
    if (calls.length === 0) return [];
    // The error check runs inside the call, so an error reply counts as the round trip's failure.
    return this.call(what, async (signal) => {
      const results = await this.#port.batch(calls, { signal });
      for (const result of results) if (result instanceof Error) throw toSessError(result, what);
      return results as RedisReply[];
    });
  }

  /** The `XADD` that writes `event` to the stream, or undefined where the stream leaves it out. */
  eventCall(event: SessionEvent): PortCall | undefined {
    const stream = this.#options.eventStream;
    if (!stream || !isStreamed(event, stream)) return undefined;
    return xaddEntry(this.#keys.events, stream.maxLength, [event]);
  }

  /**
   * The last round trip of an operation whose effect has happened: index entries to remove and
   * events to write. It never fails the operation: calls that fail are retried by this
   * instance once Redis answers, and events that could not be written are told to the
   * observer (`eventWriteFailed`). Local listeners hear every event at once.
   */
  async finish(
    what: StoreOperation,
    cleanup: PortCall[],
    events: SessionEvent[],
    open = true,
  ): Promise<void> {
    const calls = [...cleanup];
    /** The event each XADD writes. */
    const eventOf = new Map<PortCall, SessionEvent>();
    for (const event of events) {
      const call = this.eventCall(event);
      if (call === undefined) continue;
      eventOf.set(call, event);
      calls.push(call);
    }
    if (calls.length === 0) {
      // Nothing to write (an anonymous creation, off the stream): no round trip to wait for.
      for (const event of events) this.#emit(event);
      return;
    }
    let replies: Array<RedisReply | Error>;
    try {
      replies = await this.send(what, calls, open);
    } catch (error) {
      replies = calls.map(() => toSessError(error, what));
    }
    this.#settle(what, calls, replies, eventOf, events);
  }

  /**
   * `finish` for an event whose `XADD` rode in the round trip of the effect itself (a creation
   * carries its `created` event): `call` is that `XADD` (undefined where the stream leaves the
   * event out) and `reply` its answer.
   */
  settleCarried(
    what: StoreOperation,
    event: SessionEvent,
    call: PortCall | undefined,
    reply: RedisReply | Error | undefined,
  ): void {
    if (call === undefined) {
      this.#settle(what, [], [], new Map(), [event]);
      return;
    }
    this.#settle(what, [call], [reply as RedisReply | Error], new Map([[call, event]]), [event]);
  }

  /**
   * What `finish` does once its round trip has answered: tells the observer which events were
   * written, local listeners every event, and queues what may succeed later.
   */
  #settle(
    what: StoreOperation,
    calls: readonly PortCall[],
    replies: ReadonlyArray<RedisReply | Error>,
    eventOf: ReadonlyMap<PortCall, SessionEvent>,
    events: readonly SessionEvent[],
  ): void {
    this.#written(calls, replies, eventOf, what);
    for (const event of events) this.#emit(event);
    let pending = this.#toRetry(calls, replies);
    if (pending.length === 0) return;
    const failure = replies.find((reply) => reply instanceof Error && isRetryable(reply));
    this.repairs.add(what, failure, async () => {
      const again = await this.send('repair', pending, false);
      this.#written(pending, again, eventOf);
      pending = this.#toRetry(pending, again);
      if (pending.length > 0) {
        throw again.find((reply) => reply instanceof Error && isRetryable(reply));
      }
    });
  }

  /** The calls that failed and may succeed later; those Redis refused for good are reported. */
  #toRetry(calls: readonly PortCall[], replies: ReadonlyArray<RedisReply | Error>): PortCall[] {
    const retry: PortCall[] = [];
    calls.forEach((call, i) => {
      const reply = replies[i];
      if (!(reply instanceof Error)) return;
      if (isRetryable(reply)) retry.push(call);
      else {
        const error = toSessError(reply, 'repair');
        this.tell((observer) => observer.repairDropped?.(error));
      }
    });
    return retry;
  }

  /**
   * Tells the observer which events `replies` wrote, and on a first attempt (`what` given)
   * which it failed to write.
   */
  #written(
    calls: readonly PortCall[],
    replies: ReadonlyArray<RedisReply | Error>,
    eventOf: ReadonlyMap<PortCall, SessionEvent>,
    what?: StoreOperation,
  ): void {
    calls.forEach((call, i) => {
      const event = eventOf.get(call);
      if (event === undefined) return;
      const reply = replies[i];
      if (!(reply instanceof Error)) {
        this.tell((observer) => observer.eventsWritten?.(event.type, 1));
      } else if (what !== undefined) {
        const error = toSessError(reply, what);
        this.tell((observer) => observer.eventWriteFailed?.(event.type, 1, error));
      }
    });
  }
}

/**
 * Whether an operation that failed with `error` may succeed later: Redis did not answer, or
 * answered that it is out of memory (`noeviction`). Anything else it refused, it would refuse
 * again.
 */
export function isRetryable(error: unknown): boolean {
  if (isSessError(error, 'UNAVAILABLE')) return true;
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/^OOM /.test(e.message)) return true;
  }
  return false;
}
