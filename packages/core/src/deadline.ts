import { setMaxListeners } from 'node:events';
import { SessError } from './errors.js';

/**
 * Operations whose deadlines fall in the same window of this many ms share one timer and one
 * AbortSignal. An AbortController and a timer of its own would be among the largest costs of a
 * load (docs/design/read-path.md); shared, the cost per operation is an entry in a list. A
 * deadline is never early, and at most this much late, plus the rest of the event loop's turn
 * (see `#end`).
 */
const WINDOW_MS = 10;

interface Waiting {
  readonly what: string;
  readonly ms: number;
  readonly reject: (error: SessError) => void;
  /** Its neighbours in its window's list while it waits (see `DeadlineWindow`). */
  previous: Waiting | undefined;
  next: Waiting | undefined;
  /** Settled, or rejected at the deadline: whichever comes second is ignored. */
  done: boolean;
}

/** What an operation under a deadline may use: the signal that aborts when it passes. */
export interface Deadline {
  readonly signal: AbortSignal;
}

/**
 * The operations due in one window, their signal, and the timer that ends them. The waiting
 * operations form a list through their own entries: linking and unlinking cost a load less
 * than a Set's hashing, and a settled one is held by nothing.
 */
class DeadlineWindow implements Deadline {
  /** Made when an operation first asks for the signal: a load never does (see `SessionStore`). */
  #controller: AbortController | undefined;
  #first: Waiting | undefined;
  #expired = false;
  readonly timer: NodeJS.Timeout;

  constructor(readonly key: number) {
    this.timer = setTimeout(() => this.#end(), Math.max(0, key * WINDOW_MS - Date.now()));
    // Only waiting operations keep the process alive, as a timer of their own would.
    this.timer.unref();
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      // Every operation of the window may listen: no leak warning past the default ten.
      setMaxListeners(0, this.#controller.signal);
      if (this.#expired) this.#controller.abort(EXPIRED());
    }
    return this.#controller.signal;
  }

  add(entry: Waiting): void {
    const first = this.#first;
    if (first === undefined) this.timer.ref();
    else first.previous = entry;
    entry.next = first;
    this.#first = entry;
  }

  /** False when the deadline has passed already (the operation was rejected then). */
  remove(entry: Waiting): boolean {
    if (entry.done) return false;
    entry.done = true;
    const { previous, next } = entry;
    if (previous === undefined) this.#first = next;
    else previous.next = next;
    if (next !== undefined) next.previous = previous;
    entry.previous = undefined;
    entry.next = undefined;
    if (this.#first === undefined) this.timer.unref();
    return true;
  }

  #end(): void {
    windows.delete(this.key);
    if (this.#first === undefined) return;
    // Timers run before the event loop reads its sockets. After the loop was held up (a long
    // GC pause, synchronous work) past the deadline, replies that came in meanwhile wait in
    // the sockets' buffers: ending now would fail operations Redis did answer in time. The
    // check phase comes after this turn's read of the sockets, so those settle first.
    setImmediate(() => this.#expire());
  }

  #expire(): void {
    const late: Waiting[] = [];
    for (let entry = this.#first; entry !== undefined; entry = entry.next) {
      entry.done = true;
      late.push(entry);
    }
    if (late.length === 0) return;
    this.#first = undefined;
    this.#expired = true;
    for (const entry of late) {
      entry.reject(
        new SessError('UNAVAILABLE', `${entry.what}: no answer from Redis within ${entry.ms} ms`),
      );
    }
    this.#controller?.abort(EXPIRED());
  }
}

const EXPIRED = () => new SessError('UNAVAILABLE', 'no answer from Redis within the deadline');

const windows = new Map<number, DeadlineWindow>();

/**
 * Runs `operation` with a deadline that holds whatever the client does: a client that never
 * answers (a paused server, a half-open socket) still yields `UNAVAILABLE` at `ms`. The signal
 * lets a port stop waiting too; the promise it returns is then abandoned, not awaited. The
 * signal may be shared with other operations due at about the same time. `then`, if given,
 * turns the reply into the result before the promise settles: a `.then()` on the result would
 * cost every call another promise and another turn of the microtask queue (a load is on every
 * request).
 */
export function withDeadline<T, R = T>(
  ms: number,
  what: string,
  operation: (signal: AbortSignal) => Promise<T>,
  then?: (value: T) => R,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    // Without `then`, R is T (the default type argument).
    const map = then ?? ((value: T) => value as unknown as R);
    callWithDeadline(ms, what, operation, map, resolve, reject);
  });
}

/**
 * `withDeadline` with callbacks: no promise of its own, so none to resolve with an object
 * (V8 then looks for a `then` along its prototype chain) and no turn of the microtask queue.
 * A load on every request goes through here (see `HttpSessions.openWith`). Exactly one of
 * `onResult` and `onError` is called, never synchronously.
 */
export function callWithDeadline<T, R>(
  ms: number,
  what: string,
  operation: (signal: AbortSignal) => Promise<T>,
  then: (value: T) => R,
  onResult: (result: R) => void,
  onError: (error: unknown) => void,
): void {
  startWithDeadline(
    ms,
    what,
    (deadline, settle, fail) => {
      let result: Promise<T>;
      try {
        result = operation(deadline.signal);
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(settle, fail);
    },
    then,
    onResult,
    onError,
  );
}

/**
 * `callWithDeadline` for an operation that reports through callbacks itself (a port's
 * `sendWith`): it must call `settle` or `fail`, once, never synchronously; whichever comes
 * after the deadline is ignored.
 */
export function startWithDeadline<T, R>(
  ms: number,
  what: string,
  start: (deadline: Deadline, settle: (value: T) => void, fail: (error: unknown) => void) => void,
  then: (value: T) => R,
  onResult: (result: R) => void,
  onError: (error: unknown) => void,
): void {
  const key = Math.ceil((Date.now() + ms) / WINDOW_MS);
  let window = windows.get(key);
  if (window === undefined) {
    window = new DeadlineWindow(key);
    windows.set(key, window);
  }
  const due = window;
  const entry: Waiting = {
    what,
    ms,
    reject: onError,
    previous: undefined,
    next: undefined,
    done: false,
  };
  due.add(entry);
  const settle = (value: T): void => {
    if (!due.remove(entry)) return;
    let mapped: R;
    try {
      mapped = then(value);
    } catch (error) {
      onError(error);
      return;
    }
    onResult(mapped);
  };
  const fail = (error: unknown): void => {
    if (due.remove(entry)) onError(toSessError(error, what));
  };
  try {
    start(due, settle, fail);
  } catch (error) {
    // As `send` would have rejected: after this turn, never synchronously.
    queueMicrotask(() => fail(error));
  }
}

export function toSessError(error: unknown, what: string): SessError {
  if (error instanceof SessError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SessError('REDIS_ERROR', `${what}: ${message}`, { cause: error });
}
