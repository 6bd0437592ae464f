import {
  type CleanerTickReport,
  type ImportReport,
  isSessError,
  type OperationOutcome,
  type SessError,
  type SessionEventType,
  type SessionObserver,
  type SessionStore,
} from '@sess/core';
import {
  type EventStreamFigures,
  type ExpiryIndexFigures,
  SESSION_EVENT_TYPES,
  STORE_OPERATIONS,
  StoreGauges,
} from '@sess/core/internal';
import type { PortCacheStats } from '@sess/core/port';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  type ResolvedMetricsOptions,
  resolveMetricsOptions,
  type SessMetricsOptions,
} from './metrics-options.js';

type PrefixGauge = Gauge<'prefix'>;

/**
 * prom-client collectors for everything a sess store measures (docs/operations/metrics.md). It is a
 * `SessionObserver`: give it to the store and it is wired up.
 *
 * ```ts
 * const store = createSessionStore({ port, observer: sessMetrics() });
 * ```
 *
 * Seen as they happen, per instance: round-trip latency, errors by code, calls in flight,
 * events written, cleaner ticks. Read at scrape time: whether this instance leads the cleanup,
 * and (see the `gauges` option) the figures read from Redis, the same for every instance:
 * active and due sessions, cleanup lag, event stream length, consumer groups' pending entries.
 */
export class SessMetrics implements SessionObserver {
  readonly registry: Registry;
  readonly #options: ResolvedMetricsOptions;
  readonly #stores = new Map<SessionStore, StoreGauges>();
  readonly #duration: Histogram<'operation' | 'outcome'>;
  readonly #errors: Counter<'operation' | 'code'>;
  readonly #inFlight: Gauge;
  readonly #events: Counter<'type'>;
  readonly #eventFailures: Counter<'type'>;
  readonly #unreadable: Counter;
  readonly #repairsDropped: Counter;
  readonly #imported: Counter<'source'>;
  readonly #importFailures: Counter<'source' | 'code'>;
  readonly #expired: Counter;
  readonly #tickDuration: Histogram;
  readonly #truncated: Counter;

  /** Use `sessMetrics()`, which returns the one instance per registry and prefix. */
  constructor(options?: SessMetricsOptions) {
    const resolved = resolveMetricsOptions(options);
    this.#options = resolved;
    this.registry = resolved.registry;
    const name = (suffix: string): string => `${resolved.prefix}${suffix}`;
    const registers = [resolved.registry];

    this.#duration = new Histogram({
      name: name('store_operation_duration_seconds'),
      help: 'Time of a session store round trip to Redis, by operation (an operation may take several), including failed ones.',
      labelNames: ['operation', 'outcome'],
      buckets: [...resolved.latencyBuckets],
      registers,
    });
    this.#errors = new Counter({
      name: name('store_errors_total'),
      help: 'Failed round trips of the session store, and failed cleaner ticks and Redis readings, by operation and error code (UNAVAILABLE: deadline passed or connection down).',
      labelNames: ['operation', 'code'],
      registers,
    });
    this.#inFlight = new Gauge({
      name: name('store_operations_in_flight'),
      help: 'Session store round trips waiting for Redis on this instance.',
      registers,
    });
    this.#events = new Counter({
      name: name('events_written_total'),
      help: 'Session events this instance wrote to the event stream, by type.',
      labelNames: ['type'],
      registers,
    });
    this.#eventFailures = new Counter({
      name: name('event_write_failures_total'),
      help: 'Session events the stream refused or did not answer for (OOM, a dropped connection), by type. The operation succeeded; the store writes them again once Redis answers.',
      labelNames: ['type'],
      registers,
    });
    this.#unreadable = new Counter({
      name: name('unreadable_sessions_total'),
      help: 'Keys where a session should be that held something else (WRONGTYPE), read as no session.',
      registers,
    });
    this.#repairsDropped = new Counter({
      name: name('repairs_dropped_total'),
      help: "Work a fault cut short that this instance gave up on (too many pending, or the store closed): left to the cleaner and the keys' TTLs.",
      registers,
    });
    this.#imported = new Counter({
      name: name('sessions_imported_total'),
      help: "Sessions of another library that became sess sessions on their holder's first request (lazy migration, migrateFrom), by library. Falls to 0 once the old sessions have expired: then migrateFrom can go.",
      labelNames: ['source'],
      registers,
    });
    this.#importFailures = new Counter({
      name: name('session_import_failures_total'),
      help: 'Sessions of another library that could not be imported (too large, the principal at its limit, unreadable), by library and error code: their holders went on anonymous and the old sessions were left as they were.',
      labelNames: ['source', 'code'],
      registers,
    });
    this.#expired = new Counter({
      name: name('cleaner_expired_sessions_total'),
      help: 'Expired sessions this instance cleaned up (event written, data and index entry deleted).',
      registers,
    });
    this.#tickDuration = new Histogram({
      name: name('cleaner_tick_duration_seconds'),
      help: 'Time of the cleaner ticks that held the lease on this instance.',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#truncated = new Counter({
      name: name('cleaner_truncated_ticks_total'),
      help: 'Cleaner ticks that ran out of tickBudget with expired sessions left for the next tick.',
      registers,
    });

    const leader: PrefixGauge = new Gauge({
      name: name('cleaner_leader'),
      help: "1 while this instance's cleaner holds the cleanup lease, else 0. Summed over instances it should be 1.",
      labelNames: ['prefix'],
      registers,
      collect: () => this.#collectLeaders(leader),
    });

    // A gauge read from Redis at scrape time: `read` fetches the figures, `value` picks one.
    const fromRedis =
      <F>(read: (gauges: StoreGauges) => Promise<F>) =>
      (suffix: string, help: string, value: (figures: F) => number, countsErrors = false): void => {
        const gauge: PrefixGauge = new Gauge({
          name: name(suffix),
          help,
          labelNames: ['prefix'],
          registers,
          collect: () => this.#collectFigures(gauge, countsErrors, read, value),
        });
      };
    const fromIndex = fromRedis<ExpiryIndexFigures>((gauges) => gauges.expiryIndex());
    fromIndex(
      'active_sessions',
      'Live sessions in the expiry index, read from Redis (the same on every instance: aggregate with max).',
      (figures) => figures.active,
      true,
    );
    fromIndex(
      'cleaner_due_sessions',
      'Sessions past their expiry that the cleaner has not removed yet, read from Redis.',
      (figures) => figures.due,
    );
    fromIndex(
      'cleaner_lag_seconds',
      'Now minus the oldest expiry still waiting for cleanup, read from Redis; 0 when cleanup is up to date.',
      (figures) => figures.lag / 1000,
    );

    const fromStream = fromRedis<EventStreamFigures>((gauges) => gauges.eventStream());
    fromStream(
      'event_stream_length',
      'Entries in the session event stream (trimmed to about eventStream.maxLength).',
      (figures) => figures.length,
      true,
    );
    fromStream(
      'event_dead_letters',
      'Entries in the dead-letter stream: events set aside after too many failed deliveries.',
      (figures) => figures.deadLetters,
    );

    const perGroup = (
      suffix: string,
      help: string,
      value: (group: EventStreamFigures['groups'][number]) => number | undefined,
    ): void => {
      const gauge: Gauge<'prefix' | 'group'> = new Gauge({
        name: name(suffix),
        help,
        labelNames: ['prefix', 'group'],
        registers,
        collect: async () => {
          gauge.reset();
          for (const [store, gauges] of this.#reporting()) {
            const figures = await gauges.eventStream().catch(() => undefined);
            for (const group of figures?.groups ?? []) {
              const figure = value(group);
              if (figure !== undefined) {
                gauge.set({ prefix: store.keys.prefix, group: group.name }, figure);
              }
            }
          }
        },
      });
    };
    perGroup(
      'event_group_pending',
      'Events handed to a consumer of the group and not acknowledged yet.',
      (group) => group.pending,
    );
    perGroup(
      'event_group_lag',
      'Events not handed to any consumer of the group yet (absent when Redis cannot tell).',
      (group) => group.lag,
    );
    perGroup(
      'event_group_consumers',
      'Consumers known to the group (including ones that are gone and were never removed).',
      (group) => group.consumers,
    );

    // The local cache of session reads of the stores' ports (`cache` of `@sess/node-redis`),
    // read from the ports when scraped, summed over ports: zero where no port has one.
    const sum = (caches: readonly PortCacheStats[], figure: (stats: PortCacheStats) => number) =>
      caches.reduce((total, stats) => total + figure(stats), 0);
    const fromCaches = (figure: (stats: PortCacheStats) => number): number =>
      sum(this.#caches(), figure);
    const cacheCounter = (
      suffix: string,
      help: string,
      figure: (stats: PortCacheStats) => number,
    ): void => {
      const counter: Counter = new Counter({
        name: name(suffix),
        help,
        registers,
        collect: () => {
          counter.reset();
          counter.inc(fromCaches(figure));
        },
      });
    };
    cacheCounter(
      'cache_hits_total',
      'Session reads answered by the local cache without a Redis command of their own.',
      (stats) => stats.hits,
    );
    cacheCounter(
      'cache_misses_total',
      'Session reads the local cache sent to Redis (not held, changed since, or tracking down).',
      (stats) => stats.misses,
    );
    cacheCounter(
      'cache_invalidations_total',
      'Keys Redis told the local cache changed (and whole-cache flushes).',
      (stats) => stats.invalidations,
    );
    cacheCounter(
      'cache_evictions_total',
      'Sessions the local cache dropped to stay within maxEntries and maxBytes.',
      (stats) => stats.evictions,
    );
    const cacheGauge = (
      suffix: string,
      help: string,
      figure: (stats: PortCacheStats) => number,
    ): void => {
      const gauge: Gauge = new Gauge({
        name: name(suffix),
        help,
        registers,
        collect: () => gauge.set(fromCaches(figure)),
      });
    };
    cacheGauge('cache_entries', 'Sessions the local cache holds.', (stats) => stats.entries);
    cacheGauge(
      'cache_bytes',
      'Estimated memory the sessions in the local cache take (bytes).',
      (stats) => stats.bytes,
    );
    const tracking: Gauge<'state'> = new Gauge({
      name: name('cache_tracking_connections'),
      help: 'Connections of the local cache by tracking state: up (Redis tracks their reads, hits are served) or down (being set up again: their reads go to Redis). One per master.',
      labelNames: ['state'],
      registers,
      collect: () => {
        tracking.reset();
        const caches = this.#caches();
        if (caches.length === 0) return;
        tracking.set(
          { state: 'up' },
          sum(caches, (stats) => stats.trackingUp),
        );
        tracking.set(
          { state: 'down' },
          sum(caches, (stats) => stats.trackingDown),
        );
      },
    });

    for (const type of SESSION_EVENT_TYPES) {
      this.#events.inc({ type }, 0);
      this.#eventFailures.inc({ type }, 0);
    }
    for (const operation of STORE_OPERATIONS) this.#duration.zero({ operation, outcome: 'ok' });
  }

  /** The stores this instance measures (`attach` adds them; the store calls it). */
  get stores(): readonly SessionStore[] {
    return [...this.#stores.keys()];
  }

  attach(store: SessionStore): void {
    if (this.#stores.has(store)) return;
    this.#stores.set(store, new StoreGauges(store, { maxAge: this.#options.gaugesMaxAge }));
  }

  /** Stops reading figures for a store (call it when you close the store for good). */
  detach(store: SessionStore): void {
    this.#stores.delete(store);
  }

  operationStarted(): void {
    this.#inFlight.inc();
  }

  operationEnded(outcome: OperationOutcome): void {
    const { operation, durationMs, error } = outcome;
    this.#inFlight.dec();
    this.#duration.observe({ operation, outcome: error ? 'error' : 'ok' }, durationMs / 1000);
    if (error) this.#errors.inc({ operation, code: error.code });
  }

  eventsWritten(type: SessionEventType, count: number): void {
    this.#events.inc({ type }, count);
  }

  eventWriteFailed(type: SessionEventType, count: number): void {
    this.#eventFailures.inc({ type }, count);
  }

  sessionUnreadable(): void {
    this.#unreadable.inc();
  }

  repairDropped(): void {
    this.#repairsDropped.inc();
  }

  sessionImported(report: ImportReport): void {
    this.#imported.inc({ source: report.source });
  }

  sessionImportFailed(source: string, error: SessError): void {
    this.#importFailures.inc({ source, code: error.code });
  }

  cleanerTick(report: CleanerTickReport): void {
    this.#expired.inc(report.expired);
    this.#tickDuration.observe(report.durationMs / 1000);
    if (report.truncated) this.#truncated.inc();
  }

  cleanerError(error: SessError): void {
    this.#errors.inc({ operation: 'cleaner', code: error.code });
  }

  /** The cache figures of the stores' ports, each port once. */
  #caches(): PortCacheStats[] {
    const ports = new Set([...this.#stores.keys()].map((store) => store.options.port));
    const figures: PortCacheStats[] = [];
    for (const port of ports) {
      const stats = port.cacheStats?.();
      if (stats !== undefined) figures.push(stats);
    }
    return figures;
  }

  #collectLeaders(gauge: PrefixGauge): void {
    gauge.reset();
    for (const store of this.#stores.keys()) {
      if (store.cleaner) gauge.set({ prefix: store.keys.prefix }, store.cleaner.leader ? 1 : 0);
    }
  }

  /** The stores whose Redis figures this instance reports, per the `gauges` option. */
  #reporting(): Array<[SessionStore, StoreGauges]> {
    const mode = this.#options.gauges;
    if (mode === 'never') return [];
    const all = [...this.#stores];
    return mode === 'always' ? all : all.filter(([store]) => store.cleaner?.leader === true);
  }

  async #collectFigures<F>(
    gauge: PrefixGauge,
    countsErrors: boolean,
    read: (gauges: StoreGauges) => Promise<F>,
    value: (figures: F) => number,
  ): Promise<void> {
    // A reading that fails leaves the series out of this scrape rather than repeat a stale value.
    gauge.reset();
    for (const [store, gauges] of this.#reporting()) {
      try {
        gauge.set({ prefix: store.keys.prefix }, value(await read(gauges)));
      } catch (error) {
        if (countsErrors) {
          const code = isSessError(error) ? error.code : 'REDIS_ERROR';
          this.#errors.inc({ operation: 'gauges', code });
        }
      }
    }
  }
}

const instances = new WeakMap<Registry, Map<string, SessMetrics>>();

/**
 * The sess collectors of a registry, created on first call. A registry can hold each metric
 * name once, so later calls with the same registry and prefix return the same instance (and
 * their other options are not used). One instance can observe several stores.
 */
export function sessMetrics(options?: SessMetricsOptions): SessMetrics {
  const resolved = resolveMetricsOptions(options);
  let byPrefix = instances.get(resolved.registry);
  if (!byPrefix) {
    byPrefix = new Map();
    instances.set(resolved.registry, byPrefix);
  }
  let metrics = byPrefix.get(resolved.prefix);
  if (!metrics) {
    metrics = new SessMetrics(options);
    byPrefix.set(resolved.prefix, metrics);
  }
  return metrics;
}
