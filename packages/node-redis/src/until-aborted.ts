import { abortedError } from './port-errors.js';

/**
 * What to reject when a signal aborts. The core shares one signal among all operations due in
 * the same few milliseconds, so one real listener per signal and a Set entry per call replace
 * an `addEventListener`/`removeEventListener` pair per call, which CPU profiles of reads showed
 * as a noticeable share of the port's own work.
 */
const rejecters = new WeakMap<AbortSignal, Set<() => void>>();

function rejectersOf(signal: AbortSignal): Set<() => void> {
  const known = rejecters.get(signal);
  if (known !== undefined) return known;
  const created = new Set<() => void>();
  rejecters.set(signal, created);
  signal.addEventListener(
    'abort',
    () => {
      rejecters.delete(signal);
      for (const reject of created) reject();
    },
    { once: true },
  );
  return created;
}

/**
 * Settles like `promise`, or rejects as soon as `signal` aborts; with `failure`, every
 * rejection goes through it first (the port's error mapping, without a promise of its own).
 * node-redis' own `abortSignal` covers only commands it has not written yet; once written (the
 * usual case, and always with a paused server) an abort changes nothing there, so the port
 * stops waiting here. The abandoned promise keeps its handlers, so its late rejection goes
 * nowhere.
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  failure?: (error: unknown) => Error,
): Promise<T> {
  if (!signal) {
    return failure
      ? promise.then(undefined, (error: unknown) => {
          throw failure(error);
        })
      : promise;
  }
  const fail = failure ?? ((error: unknown) => error);
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(fail(abortedError(signal)));
  }
  return new Promise<T>((resolve, reject) => {
    const waiting = rejectersOf(signal);
    const rejectNow = (): void => reject(fail(abortedError(signal)));
    waiting.add(rejectNow);
    promise.then(
      (value) => {
        waiting.delete(rejectNow);
        resolve(value);
      },
      (error: unknown) => {
        waiting.delete(rejectNow);
        reject(fail(error));
      },
    );
  });
}
