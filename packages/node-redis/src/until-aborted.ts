import { abortedError } from './port-errors.js';

/**
 * The calls waiting on each signal. The core shares one signal among all operations due in
 * the same few milliseconds, so one real listener per signal, and a Set entry per call,
 * replaces an `addEventListener`/`removeEventListener` pair per call: EventTarget listeners
 * cost a read a noticeable share of the port's own CPU (measured in bench/peers).
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

function onAbort(signal: AbortSignal, reject: () => void): () => void {
  let rejects = waiting.get(signal);
  if (rejects === undefined) {
    const set = new Set<() => void>();
    rejects = set;
    waiting.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const rejectOne of set) rejectOne();
      },
      { once: true },
    );
  }
  const set = rejects;
  set.add(reject);
  return () => set.delete(reject);
}

/**
 * Settles like `promise`, or rejects as soon as `signal` aborts. node-redis' own `abortSignal`
 * covers only commands it has not written yet; once written (the usual case, and always with a
 * paused server) an abort changes nothing there, so the port stops waiting here. The abandoned
 * promise keeps its handlers, so its late rejection goes nowhere.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortedError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const forget = onAbort(signal, () => reject(abortedError(signal)));
    promise.then(
      (value) => {
        forget();
        resolve(value);
      },
      (error: unknown) => {
        forget();
        reject(error);
      },
    );
  });
}
