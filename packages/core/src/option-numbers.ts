import { SessError } from './errors.js';

/** A whole-number option: its name with its path, unit, bounds and default. */
export interface IntegerOption {
  readonly name: string;
  /** `'ms'`, `'bytes'`, or what is counted (`'entries'`, `'attributes'`, ...). */
  readonly unit: string;
  readonly min: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
  /** The value when the option is not set; undefined when it has none. */
  readonly default?: number;
}

/**
 * Throws `INVALID_OPTION` unless `value` is a whole number within the option's bounds. The
 * message names the option, its unit, what was given and the default, so that a timeout given
 * in seconds reads as one.
 */
export function checkInteger(option: IntegerOption, value: unknown): void {
  const max = option.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value === 'number' && Number.isInteger(value) && value >= option.min && value <= max) {
    return;
  }
  const range =
    max === Number.MAX_SAFE_INTEGER ? `${option.min} or more` : `${option.min} to ${max}`;
  throw new SessError(
    'INVALID_OPTION',
    `${option.name}: expected a whole number of ${unitName(option.unit)}, ${range}; got ${shown(value)}${defaultNote(option)}`,
  );
}

/** ` (default 1800000 ms, 30 minutes)`, or nothing for an option without a default. */
export function defaultNote(option: {
  readonly unit: string;
  readonly default?: number | undefined;
}): string {
  return option.default === undefined ? '' : ` (default ${amount(option.default, option.unit)})`;
}

/** `1800000 ms, 30 minutes`: the number with its unit, and a rounder reading when there is one. */
export function amount(value: number, unit: string): string {
  const reading = unit === 'ms' ? duration(value) : unit === 'bytes' ? size(value) : undefined;
  return `${value} ${unit}${reading === undefined ? '' : `, ${reading}`}`;
}

/** One side of a relation between options (`touchInterval < idleTimeout`) that failed. */
export interface RelatedOption {
  readonly name: string;
  readonly value: number;
  /** Set by the user, not left at its default. */
  readonly given: boolean;
  readonly default: number | undefined;
  /** The relation fails when this option grows (`touchInterval`), not when it shrinks (`idleTimeout`). */
  readonly growing: boolean;
}

/**
 * Which option of a failed relation to name: never one left at its default while another was
 * set, and among those set, the one furthest from its default in the direction that broke
 * the relation (`idleTimeout: 1800`, seconds for milliseconds, rather than a `touchInterval`
 * of 2 minutes).
 */
export function mostLikelyWrong<T extends RelatedOption>(options: readonly [T, ...T[]]): T {
  let best = options[0];
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const option of options) {
    const score = suspicion(option);
    if (score > bestScore) {
      best = option;
      bestScore = score;
    }
  }
  return best;
}

/** `touchInterval (60000 ms, its default)`: another option of a relation, as a message names it. */
export function describeRelated(option: RelatedOption, unit: string): string {
  return `${option.name} (${option.value} ${unit}, ${option.given ? 'also set' : 'its default'})`;
}

/**
 * Throws `INVALID_OPTION` unless `shorter` is below `longer` (or equal, with `orEqual`), both
 * in ms, naming the one of them most likely wrong (see `mostLikelyWrong`) and mentioning the
 * other. `why` says what the relation is for.
 */
export function checkShorter(
  shorter: RelatedOption,
  longer: RelatedOption,
  why: string,
  orEqual = false,
): void {
  if (shorter.value < longer.value || (orEqual && shorter.value === longer.value)) return;
  const blamed = mostLikelyWrong([longer, shorter]);
  const relation =
    blamed === shorter
      ? orEqual
        ? 'is longer than'
        : 'is not shorter than'
      : orEqual
        ? 'is shorter than'
        : 'is not longer than';
  const other = blamed === shorter ? longer : shorter;
  throw new SessError(
    'INVALID_OPTION',
    `${blamed.name}: ${blamed.value} ms ${relation} ${describeRelated(other, 'ms')}; ${why}. ${IN_MS}${defaultNote({ unit: 'ms', default: blamed.default })}`,
  );
}

/** The reminder in every message about a relation between times. */
export const IN_MS = 'Times are in milliseconds';

function suspicion(option: RelatedOption): number {
  if (!option.given) return Number.NEGATIVE_INFINITY;
  if (option.default === undefined || option.default <= 0 || option.value <= 0) return 1;
  return option.growing ? option.value / option.default : option.default / option.value;
}

function unitName(unit: string): string {
  return unit === 'ms' ? 'milliseconds' : unit;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function duration(ms: number): string | undefined {
  for (const [size, name] of [
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ] as const) {
    if (ms >= size && ms % size === 0) return plural(ms / size, name);
  }
  return undefined;
}

function size(bytes: number): string | undefined {
  if (bytes >= 1_048_576 && bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  if (bytes >= 1_024 && bytes % 1_024 === 0) return `${bytes / 1_024} KiB`;
  return undefined;
}

function plural(count: number, name: string): string {
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}
