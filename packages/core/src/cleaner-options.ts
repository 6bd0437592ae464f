import { SessError } from './errors.js';
import { checkOptionKeys, optionNames } from './option-keys.js';
import {
  checkInteger,
  checkShorter,
  defaultNote,
  describeRelated,
  IN_MS,
  mostLikelyWrong,
  type RelatedOption,
} from './option-numbers.js';

/** How the expired-session cleaner of a store runs (docs/design/cleaner.md). */
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

export const CLEANER_OPTION_NAMES = optionNames<CleanerOptions>({
  interval: true,
  leaseTtl: true,
  batchSize: true,
  tickBudget: true,
  eventsPerEntry: true,
});

const DEFAULTS = { interval: 5_000, leaseTtl: 30_000, batchSize: 500, eventsPerEntry: 50 } as const;

export function resolveCleanerOptions(
  options: false | CleanerOptions | undefined,
): false | ResolvedCleanerOptions {
  if (options === false) return false;
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new SessError('INVALID_OPTION', 'cleaner: expected false or an options object');
  }
  if (options !== undefined)
    checkOptionKeys(options, { path: 'cleaner', known: CLEANER_OPTION_NAMES });
  const interval = options?.interval ?? DEFAULTS.interval;
  checkInteger(
    { name: 'cleaner.interval', unit: 'ms', min: 10, max: 86_400_000, default: DEFAULTS.interval },
    interval,
  );
  const budget = Math.max(1, Math.round(interval / 5));
  const resolved: ResolvedCleanerOptions = {
    interval,
    leaseTtl: options?.leaseTtl ?? DEFAULTS.leaseTtl,
    batchSize: options?.batchSize ?? DEFAULTS.batchSize,
    tickBudget: options?.tickBudget ?? budget,
    eventsPerEntry: options?.eventsPerEntry ?? DEFAULTS.eventsPerEntry,
  };
  checkInteger(
    { name: 'cleaner.leaseTtl', unit: 'ms', min: 100, max: 86_400_000, default: DEFAULTS.leaseTtl },
    resolved.leaseTtl,
  );
  checkInteger(
    {
      name: 'cleaner.batchSize',
      unit: 'sessions',
      min: 1,
      max: 10_000,
      default: DEFAULTS.batchSize,
    },
    resolved.batchSize,
  );
  checkInteger(
    { name: 'cleaner.tickBudget', unit: 'ms', min: 1, max: 86_400_000, default: budget },
    resolved.tickBudget,
  );
  checkInteger(
    {
      name: 'cleaner.eventsPerEntry',
      unit: 'events',
      min: 1,
      max: 1_000,
      default: DEFAULTS.eventsPerEntry,
    },
    resolved.eventsPerEntry,
  );
  const given = (name: keyof CleanerOptions): boolean => options?.[name] !== undefined;
  const intervalSide: RelatedOption = {
    name: 'cleaner.interval',
    value: interval,
    given: given('interval'),
    default: DEFAULTS.interval,
    growing: true,
  };
  const budgetSide: RelatedOption = {
    name: 'cleaner.tickBudget',
    value: resolved.tickBudget,
    given: given('tickBudget'),
    default: budget,
    growing: true,
  };
  checkShorter(
    budgetSide,
    { ...intervalSide, growing: false },
    'a tick must be over before the next one is due',
    true,
  );
  const renewal = 1.2 * interval + resolved.tickBudget;
  if (resolved.leaseTtl <= renewal) {
    const leaseSide: RelatedOption = {
      name: 'cleaner.leaseTtl',
      value: resolved.leaseTtl,
      given: given('leaseTtl'),
      default: DEFAULTS.leaseTtl,
      growing: false,
    };
    const blamed = mostLikelyWrong([leaseSide, intervalSide, budgetSide]);
    const parts = `${describeRelated(intervalSide, 'ms')} and ${describeRelated(budgetSide, 'ms')}`;
    const problem =
      blamed === leaseSide
        ? `${blamed.value} ms is too short: the lease must outlast 1.2 × interval + tickBudget (${renewal} ms, from ${parts})`
        : `${blamed.value} ms is too long for ${describeRelated(leaseSide, 'ms')}: the lease must outlast 1.2 × interval + tickBudget (${renewal} ms here)`;
    throw new SessError(
      'INVALID_OPTION',
      `${blamed.name}: ${problem}, so that its holder renews it in time. ${IN_MS}${defaultNote({ unit: 'ms', default: blamed.default })}`,
    );
  }
  return resolved;
}
