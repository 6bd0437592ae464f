import type { CleanerTickReport } from './cleaner.js';
import { toSessError } from './deadline.js';
import type { SessError } from './errors.js';
import { isStreamed } from './event-stream-options.js';
import type { SessionEvent, SessionEventType } from './session-events.js';
import type { SessionStore } from './session-store.js';

/**
 * What the store measures, by the name of the round trip: each one is a single call to Redis
 * under the store's deadline. `destroy` and `regenerate` take two round trips each
 * (`destroy` twice, or `regenerate` then `create`); `revoke` and `findByPrincipal` two.
 */
export type StoreOperation =
  | 'load'
  | 'create'
  | 'commit'
  | 'destroy'
  | 'regenerate'
  | 'revoke'
  | 'findByPrincipal'
  | 'count';

/** How one round trip of the store ended. */
export interface OperationOutcome {
  readonly operation: StoreOperation;
  /** From the call to its answer, or to the deadline when there was none (ms). */
  readonly durationMs: number;
  /** Why it failed (`UNAVAILABLE` for a passed deadline); undefined when it succeeded. */
  readonly error: SessError | undefined;
}

/**
 * Receives the store's measurements (DESIGN §8): give one as the store's `observer` option.
 * Every method is optional and called synchronously, so keep them cheap (increment a counter,
 * observe a histogram); one that throws is ignored. `@sess/prometheus` implements this; so can
 * anything else (OpenTelemetry, StatsD, logs), with no dependency on sess beyond this type.
 *
 * Figures that are read from Redis rather than seen go through the store itself, when a
 * scraper asks: `store.count()` (active sessions, O(buckets)) and `StoreGauges` (the same,
 * cached, plus the cleaner's lag and the event stream's consumer groups).
 */
export interface SessionObserver {
  /** Once, by the store that was given this observer, at the end of its construction. */
  attach?(store: SessionStore): void;
  /** A round trip starts: with `operationEnded`, this counts calls in flight. */
  operationStarted?(operation: StoreOperation): void;
  /** A round trip ended, successfully or not: latency by operation, errors by code. */
  operationEnded?(outcome: OperationOutcome): void;
  /**
   * Session events this instance wrote to the stream: one at a time from the store, the
   * `expired` ones by the count of each cleaner tick. Not called with `eventStream: false`.
   */
  eventsWritten?(type: SessionEventType, count: number): void;
  /** Each tick of this instance's cleaner that held the lease: expired count, lag, duration. */
  cleanerTick?(report: CleanerTickReport): void;
  /** This instance's cleaner took (true) or lost (false) the lease. */
  cleanerLeadership?(leader: boolean): void;
  /** A failed cleaner tick or lease call; the cleaner carries on. */
  cleanerError?(error: SessError): void;
}

/** Every store operation, for observers that want a zero for each up front. */
export const STORE_OPERATIONS: readonly StoreOperation[] = [
  'load',
  'create',
  'commit',
  'destroy',
  'regenerate',
  'revoke',
  'findByPrincipal',
  'count',
];

/**
 * Runs one round trip of the store with the observer told when it starts and ends. A throwing
 * observer never changes what the operation does.
 */
export async function observeOperation<T>(
  observer: SessionObserver,
  operation: StoreOperation,
  run: () => Promise<T>,
): Promise<T> {
  quietly(() => observer.operationStarted?.(operation));
  const started = performance.now();
  let error: SessError | undefined;
  try {
    return await run();
  } catch (failure) {
    error = toSessError(failure, operation);
    throw failure;
  } finally {
    const outcome = { operation, durationMs: performance.now() - started, error };
    quietly(() => observer.operationEnded?.(outcome));
  }
}

/**
 * Connects an observer to what a store and its cleaner report: the local events (those the
 * stream takes were written to it in the same round trip), cleaner ticks, leadership and
 * errors. Then hands the observer the store.
 */
export function attachObserver(store: SessionStore, observer: SessionObserver): void {
  // Wrapped, so a throwing observer cannot keep the application's own listeners from running.
  const stream = store.options.eventStream;
  const streamed = stream !== false && observer.eventsWritten !== undefined;
  if (streamed) {
    const written = (event: SessionEvent): void => {
      if (isStreamed(event, stream)) quietly(() => observer.eventsWritten?.(event.type, 1));
    };
    store
      .on('created', written)
      .on('destroyed', written)
      .on('regenerated', written)
      .on('revoked', written);
  }
  const cleaner = store.cleaner;
  if (cleaner) {
    if (observer.cleanerTick || streamed) {
      cleaner.on('tick', (report) => {
        quietly(() => observer.cleanerTick?.(report));
        if (streamed && report.expired > 0) {
          quietly(() => observer.eventsWritten?.('expired', report.expired));
        }
      });
    }
    if (observer.cleanerLeadership) {
      cleaner.on('leadership', (leader) => quietly(() => observer.cleanerLeadership?.(leader)));
    }
    if (observer.cleanerError) {
      cleaner.on('error', (error) => quietly(() => observer.cleanerError?.(error)));
    }
  }
  quietly(() => observer.attach?.(store));
}

function quietly(call: () => void): void {
  try {
    call();
  } catch {}
}
