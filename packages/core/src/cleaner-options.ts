import { SessError } from './errors.js';

/** How the expired-session cleaner of a store runs (DESIGN §6). */
export interface CleanerOptions {
  /**
   * Time between two ticks (ms). Each wait is this ±20 %, so instances never tick together.
   * @default 5_000
   */
  interval?: number;
  /**
   * How long the cleaner lease lasts without renewal (ms): when its holder dies, another
   * instance takes over within this time (plus at most a fifth of `interval`). Instances that
   * do not hold it look at it about once per `leaseTtl − interval`, one command each, so a
   * longer lease makes a large fleet cheaper and a takeover slower.
   * Must be longer than `1.2 × interval + tickBudget`, so the holder renews in time.
   * @default 30_000
   */
  leaseTtl?: number;
  /**
   * Due sessions read from each expiry bucket per round; a tick runs more rounds while a
   * bucket had a full batch and `tickBudget` is not used up.
   * @default 500
   */
  batchSize?: number;
  /**
   * Time a tick may spend on rounds (ms). What is left stays due for the next tick.
   * @default interval / 5
   */
  tickBudget?: number;
  /**
   * `expired` events written per stream entry. One XADD for many events keeps cleanup at
   * about two commands per expired session; subscribers still get events one by one, and
   * a group hands out a whole entry to one consumer.
   * @default 50
   */
  eventsPerEntry?: number;
}

export interface ResolvedCleanerOptions {
  readonly interval: number;
  readonly leaseTtl: number;
  readonly batchSize: number;
  readonly tickBudget: number;
  readonly eventsPerEntry: number;
}

export function resolveCleanerOptions(
  options: false | CleanerOptions | undefined,
): false | ResolvedCleanerOptions {
  if (options === false) return false;
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new SessError('INVALID_OPTION', 'cleaner: expected false or an options object');
  }
  const interval = options?.interval ?? 5_000;
  integerIn('cleaner.interval', interval, 10, 86_400_000);
  const resolved: ResolvedCleanerOptions = {
    interval,
    leaseTtl: options?.leaseTtl ?? 30_000,
    batchSize: options?.batchSize ?? 500,
    tickBudget: options?.tickBudget ?? Math.max(1, Math.round(interval / 5)),
    eventsPerEntry: options?.eventsPerEntry ?? 50,
  };
  integerIn('cleaner.leaseTtl', resolved.leaseTtl, 100, 86_400_000);
  integerIn('cleaner.batchSize', resolved.batchSize, 1, 10_000);
  integerIn('cleaner.tickBudget', resolved.tickBudget, 1, resolved.interval);
  integerIn('cleaner.eventsPerEntry', resolved.eventsPerEntry, 1, 1_000);
  if (resolved.leaseTtl <= 1.2 * resolved.interval + resolved.tickBudget) {
    throw new SessError(
      'INVALID_OPTION',
      `cleaner.leaseTtl: must be longer than 1.2 × interval + tickBudget (${1.2 * resolved.interval + resolved.tickBudget} ms), so the holder renews it in time`,
    );
  }
  return resolved;
}

function integerIn(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SessError('INVALID_OPTION', `${name}: expected an integer from ${min} to ${max}`);
  }
}
