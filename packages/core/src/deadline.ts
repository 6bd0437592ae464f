import { SessError } from './errors.js';

/**
 * Runs `operation` with a deadline that holds whatever the client does: a client that never
 * answers (a paused server, a half-open socket) still yields `UNAVAILABLE` at `ms`. The signal
 * lets a port stop waiting too; the promise it returns is then abandoned, not awaited.
 */
export function withDeadline<T>(
  ms: number,
  what: string,
  operation: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new SessError('UNAVAILABLE', `${what}: no answer from Redis within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
    operation(controller.signal).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(toSessError(error, what));
      },
    );
  });
}

export function toSessError(error: unknown, what: string): SessError {
  if (error instanceof SessError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SessError('REDIS_ERROR', `${what}: ${message}`, { cause: error });
}
