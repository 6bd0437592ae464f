/**
 * Work a store still owes Redis after a fault cut an operation short: the index entries of a
 * session that was ended, the event of a sign-out, the removal of a half-made session, the end
 * of a move whose reply was lost (see the design page on consistency).
 *
 * A session's parts live in several hash slots, so no operation that writes more than one of
 * them can be atomic. Each is ordered so that what a fault leaves behind is harmless to readers
 * (an index entry without its session, never a session without its index entries), and the
 * instance that was cut short finishes the job here once Redis answers again. If the instance
 * dies first, the cleaner and the keys' TTLs converge on the same state later.
 *
 * Repairs are idempotent and retried with a capped backoff until they succeed; their timer
 * never keeps a process alive.
 */
export class RepairQueue {
  readonly #limit: number;
  readonly #retryable: (error: unknown) => boolean;
  readonly #onDropped: (name: string, error: unknown) => void;
  readonly #pending: Repair[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: {
    /** Pending repairs kept at most; past it the oldest is dropped (and reported). */
    readonly limit: number;
    /**
     * Whether a repair that failed with `error` may succeed later (Redis did not answer, or was
     * out of memory); one that cannot (Redis refused it for good) is dropped.
     */
    readonly retryable: (error: unknown) => boolean;
    /**
     * Told of a repair given up: it failed for good, the queue was full, or it was closed with
     * the repair pending.
     */
    readonly onDropped: (name: string, error: unknown) => void;
  }) {
    this.#limit = options.limit;
    this.#retryable = options.retryable;
    this.#onDropped = options.onDropped;
  }

  /** Repairs waiting for Redis. */
  get size(): number {
    return this.#pending.length;
  }

  /**
   * Queues `run` after it failed with `error`, to be tried again soon (it throws to be tried
   * again later). A failure that retrying cannot fix is dropped at once.
   */
  add(name: string, error: unknown, run: () => Promise<void>): void {
    if (this.#closed || !this.#retryable(error)) {
      this.#onDropped(name, this.#closed ? new Error('the store was closed') : error);
      return;
    }
    this.#pending.push({ name, run, attempts: 0, due: performance.now() + FIRST_DELAY_MS });
    while (this.#pending.length > this.#limit) {
      const dropped = this.#pending.shift() as Repair;
      this.#onDropped(dropped.name, new Error('too many repairs pending'));
    }
    this.#schedule();
  }

  /** Tries every pending repair now, once; for `close()` and tests. */
  async drain(): Promise<void> {
    await this.#running;
    for (const repair of this.#pending) repair.due = 0;
    await this.#runDue();
  }

  /** Stops retrying; what is still pending is dropped (and reported). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const repair of this.#pending.splice(0)) {
      this.#onDropped(repair.name, new Error('the store was closed'));
    }
  }

  #schedule(): void {
    if (this.#closed || this.#running !== undefined || this.#pending.length === 0) return;
    const due = Math.min(...this.#pending.map((repair) => repair.due));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#runDue();
      },
      Math.max(0, due - performance.now()),
    );
    this.#timer.unref();
  }

  #runDue(): Promise<void> {
    this.#running ??= this.#runEach().finally(() => {
      this.#running = undefined;
      this.#schedule();
    });
    return this.#running;
  }

  /** One at a time, oldest first: a Redis that just came back is not flooded. */
  async #runEach(): Promise<void> {
    const now = performance.now();
    for (const repair of this.#pending.filter((pending) => pending.due <= now)) {
      if (this.#closed) return;
      let failure: { error: unknown } | undefined;
      try {
        await repair.run();
      } catch (error) {
        failure = { error };
      }
      if (failure !== undefined && this.#retryable(failure.error)) {
        repair.attempts++;
        repair.due =
          performance.now() + Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** repair.attempts);
        continue;
      }
      const index = this.#pending.indexOf(repair);
      if (index >= 0) this.#pending.splice(index, 1);
      if (failure !== undefined) this.#onDropped(repair.name, failure.error);
    }
  }
}

interface Repair {
  readonly name: string;
  readonly run: () => Promise<void>;
  attempts: number;
  /** When to try next (monotonic ms). */
  due: number;
}

const FIRST_DELAY_MS = 100;
/** Well under a cleaner tick, so a repair lands within one tick of Redis coming back. */
const MAX_DELAY_MS = 1_000;
