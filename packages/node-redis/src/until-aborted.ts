import { abortedError } from './port-errors.js';

/**
 * Settles like `promise`, or rejects as soon as `signal` aborts. node-redis' own `abortSignal`
 * covers only commands it has not written yet; once written (the usual case, and always with a
 * paused server) an abort changes nothing there, so the port stops waiting here. The abandoned
 * promise keeps its handlers, so its late rejection goes nowhere.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
