import { SessError } from '@sess/core';
import { checkOptionKeys, optionNames } from '@sess/core/internal';
import { type Registry, register } from 'prom-client';

export interface SessMetricsOptions {
  /**
   * The prom-client registry the collectors go into (and `/metrics` serves).
   * @default prom-client's default `register`
   */
  registry?: Registry;
  /**
   * Start of every metric name: `sess_store_operation_duration_seconds`, ...
   * @default 'sess_'
   */
  prefix?: string;
  /**
   * Histogram buckets of `sess_store_operation_duration_seconds` (seconds). The default runs
   * from half a millisecond to past the store's 1 s deadline.
   * @default [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
   */
  latencyBuckets?: readonly number[];
  /**
   * Which instances report the figures read from Redis at scrape time (active sessions, due
   * sessions, cleanup lag, event stream and consumer groups). They are the same on every
   * instance and cost one round trip of a few commands per bucket per `gaugesMaxAge`:
   * `'always'` (every instance), `'leader'` (only the instance whose cleaner holds the lease,
   * so the cost does not grow with the fleet; instances without a cleaner never report) or
   * `'never'`.
   * @default 'always'
   */
  gauges?: 'always' | 'leader' | 'never';
  /**
   * How long a reading from Redis is reused between scrapes (ms).
   * @default 5_000
   */
  gaugesMaxAge?: number;
}

export interface ResolvedMetricsOptions {
  readonly registry: Registry;
  readonly prefix: string;
  readonly latencyBuckets: readonly number[];
  readonly gauges: 'always' | 'leader' | 'never';
  readonly gaugesMaxAge: number;
}

const DEFAULT_LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
] as const;

const METRICS_OPTION_NAMES = optionNames<SessMetricsOptions>({
  registry: true,
  prefix: true,
  latencyBuckets: true,
  gauges: true,
  gaugesMaxAge: true,
});

/** Names of other prom-client setups, and the store's gauge option given here. */
const METRICS_OPTIONS_INSTEAD: Readonly<Record<string, string>> = {
  register: 'use `registry`',
  buckets: 'use `latencyBuckets` (seconds)',
  maxAge: 'use `gaugesMaxAge` (ms)',
  labels: 'not supported: set default labels on the registry, `registry.setDefaultLabels({ ... })`',
};

const DEFAULT_GAUGES_MAX_AGE = 5_000;

export function resolveMetricsOptions(options: SessMetricsOptions = {}): ResolvedMetricsOptions {
  if (options === null || typeof options !== 'object') invalid('options', 'expected an object');
  checkOptionKeys(options, { known: METRICS_OPTION_NAMES, instead: METRICS_OPTIONS_INSTEAD });
  const resolved: ResolvedMetricsOptions = {
    registry: options.registry ?? register,
    prefix: options.prefix ?? 'sess_',
    latencyBuckets: options.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS,
    gauges: options.gauges ?? 'always',
    gaugesMaxAge: options.gaugesMaxAge ?? DEFAULT_GAUGES_MAX_AGE,
  };
  const registry = resolved.registry as Partial<Registry> | null;
  if (typeof registry?.registerMetric !== 'function' || typeof registry.metrics !== 'function') {
    invalid('registry', 'expected a prom-client Registry');
  }
  if (
    typeof resolved.prefix !== 'string' ||
    !/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(resolved.prefix)
  ) {
    invalid('prefix', 'expected the start of a Prometheus metric name, e.g. "sess_"');
  }
  const buckets = resolved.latencyBuckets;
  if (
    !Array.isArray(buckets) ||
    buckets.length === 0 ||
    buckets.some((b, i) => typeof b !== 'number' || !(b > 0) || (i > 0 && b <= buckets[i - 1]))
  ) {
    invalid('latencyBuckets', 'expected increasing positive numbers of seconds');
  }
  if (!['always', 'leader', 'never'].includes(resolved.gauges)) {
    invalid('gauges', "expected 'always', 'leader' or 'never'");
  }
  const maxAge = resolved.gaugesMaxAge;
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 0) {
    invalid(
      'gaugesMaxAge',
      `expected a number of milliseconds, 0 or more; got ${String(maxAge)} (default ${DEFAULT_GAUGES_MAX_AGE} ms, 5 seconds)`,
    );
  }
  return resolved;
}

function invalid(name: string, message: string): never {
  throw new SessError('INVALID_OPTION', `${name}: ${message}`);
}
