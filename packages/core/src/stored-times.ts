/**
 * A session's three times as its hash holds them: one field,
 * `created:lastAccess−created:expiresAt−lastAccess`, in ms.
 *
 * - One field instead of three: a read pays node-redis for each string it decodes, and two
 *   fields fewer take four strings off every load (docs/design/read-path.md).
 * - Offsets, not three absolute times: a listpack stores a 13-digit number as an 8-byte integer,
 *   but a string of three of them is long enough to push a small session hash into the
 *   allocator's next size class (docs/design/decisions.md has the measurements).
 * - Signed offsets: instances' clocks differ, so a touch may carry a last access before the
 *   creation another instance recorded.
 */
export interface StoredTimes {
  readonly createdAt: number;
  readonly lastAccessAt: number;
  readonly expiresAt: number;
}

export function formatStoredTimes(times: StoredTimes): string {
  return `${times.createdAt}:${times.lastAccessAt - times.createdAt}:${times.expiresAt - times.lastAccessAt}`;
}

/** The times in `text`, or undefined when it is not `digits:[-]digits:[-]digits`. */
export function parseStoredTimes(text: string): StoredTimes | undefined {
  const first = text.indexOf(':');
  const second = text.indexOf(':', first + 1);
  if (first < 0 || second < 0) return undefined;
  const createdAt = integer(text, 0, first, false);
  const sinceCreated = integer(text, first + 1, second, true);
  const untilExpiry = integer(text, second + 1, text.length, true);
  if (Number.isNaN(createdAt) || Number.isNaN(sinceCreated) || Number.isNaN(untilExpiry)) {
    return undefined;
  }
  const lastAccessAt = createdAt + sinceCreated;
  return { createdAt, lastAccessAt, expiresAt: lastAccessAt + untilExpiry };
}

/**
 * The integer in `text` from `start` to `end`, NaN if anything else is there. A loop, not
 * `Number()`: V8's general string-to-double conversion costs several times this loop for a
 * 13-digit number, and a load reads three of them (docs/design/read-path.md).
 */
function integer(text: string, start: number, end: number, signed: boolean): number {
  const negative = signed && text.charCodeAt(start) === 45; // '-'
  const from = negative ? start + 1 : start;
  // Up to 15 digits, a double holds every integer exactly.
  if (end <= from || end - from > 15) return Number.NaN;
  let result = 0;
  for (let i = from; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    result = result * 10 + digit;
  }
  return negative ? -result : result;
}
