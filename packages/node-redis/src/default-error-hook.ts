/** How often the default hook may warn: one line per interval, however many errors. */
const WARN_INTERVAL_MS = 30_000;

/**
 * The `onError` used when none is given: a connection that keeps failing (one error per
 * reconnect attempt) costs one console line per 30 s, with the count of the ones left out.
 */
export function rateLimitedWarning(
  warn: (message: string) => void = console.warn,
  now: () => number = Date.now,
): (error: Error) => void {
  let lastWarnAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (error) => {
    const at = now();
    if (at - lastWarnAt < WARN_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    const more = suppressed > 0 ? ` (${suppressed} more since the last warning)` : '';
    warn(`@sess/node-redis: Redis connection error: ${error.message}${more}`);
    lastWarnAt = at;
    suppressed = 0;
  };
}
