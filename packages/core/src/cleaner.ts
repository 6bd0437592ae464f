import { EventEmitter } from 'node:events';
import { CleanerLease } from './cleaner-lease.js';
import type { ResolvedCleanerOptions } from './cleaner-options.js';
import { toSessError, withDeadline } from './deadline.js';
import type { SessError } from './errors.js';
import { expiryRound } from './expiry-round.js';
import type { KeyLayout } from './key-layout.js';
import type { ResolvedLifetimes } from './lifetime-policy.js';
import { isScriptCall, type PortCall, type RedisPort, type RedisReply } from './redis-port.js';

/** What one tick did. Times are in ms. */
export interface CleanerTickReport {
  /** When the tick started, on the store's clock. */
  readonly at: number;
  /** Whether this instance held the lease and worked. A tick without it does nothing. */
  readonly leader: boolean;
  /** Sessions expired: `expired` event written, data and index entry deleted. */
  readonly expired: number;
  /** Of `expired`, sessions whose hash Redis had already deleted (cleaner down past `grace`). */
  readonly gone: number;
  /** Index entries found behind their session's real expiry and moved forward. */
  readonly extended: number;
  /** Now minus the oldest due expiry when the tick started; 0 when nothing was due. */
  readonly lag: number;
  /** Rounds run (one round reads up to `batchSize` due sessions per bucket). */
  readonly rounds: number;
  /** True when `tickBudget` ran out with due sessions left for the next tick. */
  readonly truncated: boolean;
  readonly durationMs: number;
}

/** Running totals of a cleaner, for metrics. */
export interface CleanerStats {
  readonly leader: boolean;
  readonly ticks: number;
  readonly expired: number;
  readonly gone: number;
  readonly extended: number;
  /** The lag of the last tick that held the lease. */
  readonly lag: number;
  readonly errors: number;
  readonly lastTick: CleanerTickReport | undefined;
}

export type CleanerEvents = {
  /** After every tick that held the lease. */
  tick: [CleanerTickReport];
  /** This instance took (true) or lost (false) the lease. */
  leadership: [boolean];
  /** A failed tick or lease call; the cleaner carries on. Only emitted while someone listens. */
  error: [SessError];
};

export interface CleanerDependencies {
  readonly port: RedisPort;
  readonly keys: KeyLayout;
  readonly options: ResolvedCleanerOptions;
  readonly grace: number;
  /** The store's lifetime policies: a session's expiry follows its policy as configured now. */
  readonly lifetimes: ResolvedLifetimes;
  readonly operationTimeout: number;
  readonly eventStream: false | { readonly maxLength: number };
  /** The store's clock (index scores and session times are application time). */
  readonly now: () => number;
}

/**
 * Deletes expired sessions and writes their `expired` events (docs/design/cleaner.md). Every instance may
 * run one; only the holder of the Redis lease works, so the cost follows the sessions that
 * expire, not the number of instances. Ticks are jittered, rounds bounded by `batchSize` and
 * the tick by `tickBudget`. Its timers never keep a process alive.
 */
export class Cleaner {
  readonly #deps: CleanerDependencies;
  readonly #options: ResolvedCleanerOptions;
  readonly #lease: CleanerLease;
  readonly #emitter = new EventEmitter<CleanerEvents>();
  readonly #suspects = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  /** Ticks run one after the other, whether from the timer or runOnce(). */
  #queue: Promise<unknown> = Promise.resolve();
  #started = false;
  #stopped = false;
  #halting = false;
  #holder = false;
  /** Monotonic time until which the lease is surely ours: last renewal sent + ttl. */
  #leaderUntil = 0;
  /** When a cleaner without the lease looks again (ms), from what the lease said. */
  #retryIn = 0;
  #stats = {
    ticks: 0,
    expired: 0,
    gone: 0,
    extended: 0,
    lag: 0,
    errors: 0,
    lastTick: undefined as CleanerTickReport | undefined,
  };

  constructor(deps: CleanerDependencies) {
    this.#deps = deps;
    this.#options = deps.options;
    this.#lease = new CleanerLease(deps.keys.lease, deps.options.leaseTtl, (what, call) =>
      this.#send(what, call),
    );
  }

  get options(): ResolvedCleanerOptions {
    return this.#options;
  }

  /**
   * Whether this instance holds the lease now. It counts from when the last renewal was sent,
   * so it turns false before Redis could give the lease to anyone else.
   */
  get leader(): boolean {
    return this.#holder && performance.now() < this.#leaderUntil;
  }

  get stats(): CleanerStats {
    return { ...this.#stats, leader: this.leader };
  }

  on<K extends keyof CleanerEvents>(type: K, listener: (...args: CleanerEvents[K]) => void): this {
    this.#emitter.on(type, listener as never);
    return this;
  }

  off<K extends keyof CleanerEvents>(type: K, listener: (...args: CleanerEvents[K]) => void): this {
    this.#emitter.off(type, listener as never);
    return this;
  }

  /** Starts ticking (the store does this unless `cleaner: false`). The first tick is jittered too. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#schedule(this.#options.interval * (0.2 + Math.random()));
  }

  /** Stops ticking, waits for a tick in progress and gives the lease back. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // A tick in progress ends after its current round.
    this.#halting = true;
    await this.#queue;
    this.#halting = false;
    if (this.#holder) {
      this.#setHolder(false);
      try {
        await this.#lease.release();
      } catch (error) {
        // It runs out by itself within leaseTtl.
        this.#report(error);
      }
    }
  }

  /**
   * Runs one tick now: takes the lease if it is free (or renews it), then cleans up. Without
   * the lease it does nothing and says so (`leader: false`). For `sess cleanup --once` and tests.
   */
  runOnce(): Promise<CleanerTickReport> {
    return this.#serial(async () => {
      const at = this.#deps.now();
      return (await this.#claim()) ? this.#tick() : idleReport(at);
    });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#fire(), delay);
    this.#timer.unref();
  }

  async #fire(): Promise<void> {
    this.#timer = undefined;
    const delay = await this.#serial(() => (this.#stopped ? Promise.resolve(0) : this.#cycle()));
    this.#schedule(delay);
  }

  /** One timer cycle; returns when to come back. */
  async #cycle(): Promise<number> {
    const { interval, leaseTtl } = this.#options;
    const jittered = interval * (0.8 + 0.4 * Math.random());
    try {
      if (!(await this.#claim())) return this.#retryIn + interval * 0.2 * Math.random();
      await this.#tick();
      return jittered;
    } catch (error) {
      this.#report(error);
      if (this.#holder && performance.now() >= this.#leaderUntil) this.#setHolder(false);
      return this.#holder ? jittered : Math.max(jittered, leaseTtl / 3);
    }
  }

  /** Renews the lease if held, else tries to take it. True when this instance holds it now. */
  async #claim(): Promise<boolean> {
    const sentAt = performance.now();
    if (this.#holder) {
      if (await this.#lease.renew()) {
        this.#leaderUntil = sentAt + this.#options.leaseTtl;
        return true;
      }
      this.#setHolder(false);
    }
    const attempt = await this.#lease.tryAcquire(this.#options.interval / 5);
    if (!attempt.acquired) {
      this.#retryIn = attempt.retryIn;
      return false;
    }
    this.#leaderUntil = sentAt + this.#options.leaseTtl;
    this.#setHolder(true);
    return true;
  }

  async #tick(): Promise<CleanerTickReport> {
    const started = performance.now();
    const at = this.#deps.now();
    const context = {
      keys: this.#deps.keys,
      batch: (what: string, calls: PortCall[]) => this.#batch(what, calls),
      batchSize: this.#options.batchSize,
      grace: this.#deps.grace,
      lifetimes: this.#deps.lifetimes,
      operationTimeout: this.#deps.operationTimeout,
      eventStream: this.#deps.eventStream,
      eventsPerEntry: this.#options.eventsPerEntry,
      suspects: this.#suspects,
      onError: (error: Error) => this.#report(error),
    };
    let expired = 0;
    let gone = 0;
    let extended = 0;
    let lag = 0;
    let rounds = 0;
    let buckets: readonly string[] = this.#deps.keys.buckets;
    while (buckets.length > 0) {
      const now = rounds === 0 ? at : this.#deps.now();
      const round = await expiryRound(context, buckets, now);
      if (rounds === 0 && round.oldestDue !== undefined) lag = Math.max(0, now - round.oldestDue);
      rounds++;
      expired += round.expired;
      gone += round.gone;
      extended += round.extended;
      buckets = round.again;
      const spent = performance.now() - started;
      if (spent >= this.#options.tickBudget || this.#halting || !this.leader) break;
    }
    this.#forgetOldSuspects(started);
    const report: CleanerTickReport = {
      at,
      leader: true,
      expired,
      gone,
      extended,
      lag,
      rounds,
      truncated: buckets.length > 0,
      durationMs: performance.now() - started,
    };
    const stats = this.#stats;
    stats.ticks++;
    stats.expired += expired;
    stats.gone += gone;
    stats.extended += extended;
    stats.lag = lag;
    stats.lastTick = report;
    this.#emit('tick', report);
    return report;
  }

  /** A suspect not seen again for long was removed by the operation that took it. */
  #forgetOldSuspects(now: number): void {
    const horizon = Math.max(60_000, 10 * this.#deps.operationTimeout);
    for (const [id, seen] of this.#suspects) {
      if (now - seen > horizon) this.#suspects.delete(id);
    }
  }

  #setHolder(holder: boolean): void {
    if (this.#holder === holder) return;
    this.#holder = holder;
    if (!holder) this.#leaderUntil = 0;
    this.#emit('leadership', holder);
  }

  #report(error: unknown): void {
    this.#stats.errors++;
    if (this.#emitter.listenerCount('error') > 0) {
      this.#emit('error', toSessError(error, 'cleaner'));
    }
  }

  #emit<K extends keyof CleanerEvents>(type: K, ...args: CleanerEvents[K]): void {
    // A listener that throws must not stop the cleaner.
    try {
      (this.#emitter.emit as (type: string, ...args: unknown[]) => boolean)(type, ...args);
    } catch {}
  }

  #send(what: string, call: PortCall): Promise<RedisReply> {
    const port = this.#deps.port;
    return withDeadline(this.#deps.operationTimeout, what, (signal) =>
      isScriptCall(call) ? port.script(call, { signal }) : port.send(call, { signal }),
    );
  }

  #batch(what: string, calls: PortCall[]): Promise<Array<RedisReply | Error>> {
    if (calls.length === 0) return Promise.resolve([]);
    const port = this.#deps.port;
    return withDeadline(this.#deps.operationTimeout, what, (signal) =>
      port.batch(calls, { signal }),
    );
  }
}

function idleReport(at: number): CleanerTickReport {
  return {
    at,
    leader: false,
    expired: 0,
    gone: 0,
    extended: 0,
    lag: 0,
    rounds: 0,
    truncated: false,
    durationMs: 0,
  };
}
