import type { CleanerTickReport } from './cleaner.js';
import { toSessError } from './deadline.js';
import type { SessError } from './errors.js';
import type { SessionEventType } from './session-events.js';
import type { SessionStore } from './session-store.js';

/**
 * What the store measures, by the name of the round trip: each one is a single call to Redis
 * under the store's deadline. A regenerate is a `create` then a `regenerate` round trip (and
 * a `destroy` one for what it leaves); `destroy`, `revoke` and `findByPrincipal` take two
 * round trips each. `take`: one attribute read and removed (`take(name)`). `repair`: work a
 * fault cut short, finished once Redis answered again. `import`: the read of another library's
 * session by lazy migration (`migrateFrom`).
 */
export type StoreOperation =
  | 'load'
  | 'create'
  | 'commit'
  | 'take'
  | 'destroy'
  | 'regenerate'
  | 'revoke'
  | 'findByPrincipal'
  | 'count'
  | 'repair'
  | 'import';

/** How one round trip of the store ended. */
export interface OperationOutcome {
  readonly operation: StoreOperation;
  /** From the call to its answer, or to the deadline when there was none (ms). */
  readonly durationMs: number;
  /** Why it failed (`UNAVAILABLE` for a passed deadline); undefined when it succeeded. */
  readonly error: SessError | undefined;
}

/**
 * Receives the store's measurements (docs/operations/metrics.md): give one as the store's `observer` option.
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
  /**
   * Session events the stream refused or did not answer for (`OOM` under `noeviction`, a
   * dropped connection). The operation itself succeeded; the store writes the events again
   * once Redis answers, and calls `eventsWritten` then.
   */
  eventWriteFailed?(type: SessionEventType, count: number, error: SessError): void;
  /**
   * A key where a session should be held something else (`WRONGTYPE`): the store treated it
   * as no session at all, so its holder goes on anonymous instead of failing every request.
   */
  sessionUnreadable?(error: SessError): void;
  /**
   * Work a fault cut short that this instance gave up on: too many pending, or the store was
   * closed first. What it would have cleaned up is left to the cleaner and the keys' TTLs.
   */
  repairDropped?(error: SessError): void;
  /**
   * A session of another library became a sess session on its holder's first request (lazy
   * migration, `migrateFrom`). `dropped`: its attribute names sess cannot hold (reserved names),
   * or whose values its serializer refused; the old session keeps them until it expires.
   */
  sessionImported?(report: ImportReport): void;
  /**
   * A session of another library could not become a sess session (larger than the store's
   * limits, the principal at `maxSessionsPerPrincipal` with `onLimit: 'reject'`, unreadable):
   * the request went on anonymous, and the old session and its cookie are left as they were.
   */
  sessionImportFailed?(source: string, error: SessError): void;
  /** Each tick of this instance's cleaner that held the lease: expired count, lag, duration. */
  cleanerTick?(report: CleanerTickReport): void;
  /** This instance's cleaner took (true) or lost (false) the lease. */
  cleanerLeadership?(leader: boolean): void;
  /** A failed cleaner tick or lease call; the cleaner carries on. */
  cleanerError?(error: SessError): void;
}

/** What `sessionImported` reports. */
export interface ImportReport {
  /** The library the session came from (the importer's `source`), e.g. `'express-session'`. */
  readonly source: string;
  /** The new session's id. */
  readonly id: string;
  readonly principal: string | undefined;
  readonly dropped: readonly string[];
}

/** Every store operation, for observers that want a zero for each up front. */
export const STORE_OPERATIONS: readonly StoreOperation[] = [
  'load',
  'create',
  'commit',
  'take',
  'destroy',
  'regenerate',
  'revoke',
  'findByPrincipal',
  'count',
  'repair',
  'import',
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
 * Connects an observer to what a store's cleaner reports: ticks (and the `expired` events they
 * wrote), leadership and errors. Then hands the observer the store.
 */
export function attachObserver(store: SessionStore, observer: SessionObserver): void {
  // Wrapped, so a throwing observer cannot keep the application's own listeners from running.
  // The store reports its own stream writes as they succeed or fail; the cleaner's are here.
  const streamed = store.options.eventStream !== false && observer.eventsWritten !== undefined;
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

export function quietly(call: () => void): void {
  try {
    call();
  } catch {}
}
