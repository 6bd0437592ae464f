import { isSessError, type SessionStore } from '@sess/core';
import {
  createNodeRedisPort,
  type NodeRedisPort,
  type NodeRedisPortOptions,
} from '@sess/node-redis';
import type { RedisClusterSet, RedisSentinelSet } from '@sess/testkit';

// Shared by the Sentinel and Cluster tests: how to reach each topology through
// @sess/node-redis, and a load loop that measures a failover from the application's side.

/** A port on the Sentinel set, as an application would configure it. */
export function sentinelPort(
  set: RedisSentinelSet,
  options: Omit<NodeRedisPortOptions, 'sentinel'> = {},
): Promise<NodeRedisPort> {
  return createNodeRedisPort({
    sentinel: { name: set.masterName, nodes: set.nodes },
    onError: () => {},
    ...options,
  });
}

/** A port on the Cluster, as an application would configure it. */
export function clusterPort(
  cluster: RedisClusterSet,
  options: Omit<NodeRedisPortOptions, 'cluster'> = {},
): Promise<NodeRedisPort> {
  return createNodeRedisPort({
    cluster: { rootNodes: cluster.rootNodes },
    onError: () => {},
    ...options,
  });
}

/** Polls `check` every 20 ms until it is true; fails after `ms` with `what`. */
export async function until(
  what: string,
  ms: number,
  check: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The ids of `ids` whose session cannot be loaded. A load that fails (the topology still
 * settling after a failover) is tried again for a while: only a session that is not there
 * counts as missing.
 */
export async function missing(store: SessionStore, ids: readonly string[]): Promise<string[]> {
  const gone: string[] = [];
  for (const id of ids) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await store.load(id)) === null) gone.push(id);
        break;
      } catch (error) {
        if (!isSessError(error, 'UNAVAILABLE') || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
  return gone;
}

/** The code of a sign-in that succeeded and was gone when read back (see `SignInLoop.lost`). */
export const LOST = 'LOST';

interface Outcome {
  /** When the sign-in started and when it ended (ms since the loop started). */
  readonly at: number;
  readonly done: number;
  readonly ok: boolean;
  /** The SessError code (or the error's name) of a failure. */
  readonly code?: string;
}

/** What the application saw around a failover, times in ms from the kill. */
export interface FailoverReport {
  readonly requests: number;
  readonly errors: number;
  /** Error codes seen, with counts. */
  readonly codes: Record<string, number>;
  /** The first and the last failed request. */
  readonly firstErrorAt: number | undefined;
  readonly lastErrorAt: number | undefined;
  /** The first request to succeed after the last failure: the application has recovered. */
  readonly recoveredAt: number | undefined;
  /** Successful requests after the recovery. */
  readonly afterRecovery: number;
  /** Requests that ended before the kill, and how many of those failed (none should). */
  readonly beforeKill: { readonly requests: number; readonly errors: number };
}

/**
 * Signs users in and reads their sessions back in a loop (`workers` in parallel), the way a
 * busy application does, and records what every request got. Every session whose sign-in
 * succeeded is kept in `signedIn`, to be read back after the failover.
 */
export class SignInLoop {
  readonly signedIn: string[] = [];
  /**
   * Sign-ins that succeeded but whose session was gone when read back: the failover undid
   * them. `waitForReplicas` allows that only for a sign-in no replica confirmed, so a test
   * checks each of these against what `onShortfall` was told.
   */
  readonly lost: string[] = [];
  readonly #outcomes: Outcome[] = [];
  readonly #started = Date.now();
  #running = true;
  readonly #workers: Promise<void>[];

  constructor(store: SessionStore, workers = 4) {
    this.#workers = Array.from({ length: workers }, (_, worker) => this.#work(store, worker));
  }

  /** ms since the loop started: pass `now()` at the kill to `report()`. */
  now(): number {
    return Date.now() - this.#started;
  }

  /** Successful sign-ins so far. */
  get successes(): number {
    return this.#outcomes.filter((outcome) => outcome.ok).length;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
  }

  report(killedAt: number): FailoverReport {
    const earlier = this.#outcomes.filter((outcome) => outcome.done < killedAt);
    const outcomes = this.#outcomes.filter((outcome) => outcome.at >= killedAt);
    const failures = outcomes.filter((outcome) => !outcome.ok);
    const codes: Record<string, number> = {};
    for (const failure of failures) {
      const code = failure.code ?? 'unknown';
      codes[code] = (codes[code] ?? 0) + 1;
    }
    const last = failures.at(-1);
    const recovered = outcomes.find((outcome) => outcome.ok && outcome.at > (last?.at ?? -1));
    return {
      requests: outcomes.length,
      errors: failures.length,
      codes,
      firstErrorAt: failures[0] === undefined ? undefined : failures[0].at - killedAt,
      lastErrorAt: last === undefined ? undefined : last.at - killedAt,
      recoveredAt: recovered === undefined ? undefined : recovered.at - killedAt,
      afterRecovery: outcomes.filter((outcome) => recovered && outcome.at >= recovered.at).length,
      beforeKill: {
        requests: earlier.length,
        errors: earlier.filter((outcome) => !outcome.ok).length,
      },
    };
  }

  async #work(store: SessionStore, worker: number): Promise<void> {
    let n = 0;
    while (this.#running) {
      const at = this.now();
      try {
        const session = await store.create(
          { cart: [worker, n] },
          { principal: `user-${worker}-${n}` },
        );
        const loaded = await store.load(session.id);
        if (loaded?.get('cart') === undefined) {
          this.lost.push(session.id);
          this.#outcomes.push({ at, done: this.now(), ok: false, code: LOST });
        } else {
          this.signedIn.push(session.id);
          this.#outcomes.push({ at, done: this.now(), ok: true });
        }
      } catch (error) {
        this.#outcomes.push({
          at,
          done: this.now(),
          ok: false,
          code: isSessError(error) ? error.code : String(error),
        });
        // A failing Redis answers at once: do not spin.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      n++;
    }
  }
}

/** One line for the test log and the issue note. */
export function describeFailover(
  topology: string,
  failoverMs: number,
  report: FailoverReport,
): string {
  const codes = Object.entries(report.codes)
    .map(([code, count]) => `${count} ${code}`)
    .join(', ');
  return (
    `${topology} failover: master killed; promoted after ${failoverMs} ms; application recovered ` +
    `${report.recoveredAt} ms after the kill; ${report.errors} of ${report.requests} sign-ins failed ` +
    `(${codes || 'none'}), between ${report.firstErrorAt} and ${report.lastErrorAt} ms; ` +
    `${report.afterRecovery} succeeded after recovery, none failed`
  );
}
