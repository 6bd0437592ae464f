import { SessError } from '@sess/core';

/** The old store's value as an object; anything else is not a session. */
export function sessionObject(value: unknown, library: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SessError('INVALID_VALUE', `${library}: the old session is not an object`);
  }
  return value as Record<string, unknown>;
}

/** `value` as a time (ms since the epoch) from a Date's JSON or a number; undefined otherwise. */
export function timeOf(value: unknown): number | undefined {
  const time =
    typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(time) ? time : undefined;
}

/** Every own entry but `left`. */
export function dataWithout(
  session: Record<string, unknown>,
  left: readonly string[],
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(session)) {
    if (!left.includes(name)) data[name] = value;
  }
  return data;
}
