import { isSessError, type SessionStore } from '@sess/core';

// A load of every kind of session operation, run by workers that each own their sessions, so
// that what each worker had acknowledged is exactly what must be in Redis afterwards.

/** The operations of the load. */
export type LoadOperation =
  | 'create'
  | 'signIn'
  | 'load'
  | 'commit'
  | 'destroy'
  | 'findByPrincipal'
  | 'count';

/** One operation that failed: what it was, on which session, and what it threw. */
export interface LoadFailure {
  readonly operation: LoadOperation;
  readonly id: string | undefined;
  readonly code: string;
  readonly message: string;
}

/** What Redis must hold for a session a worker owns: its counter and its principal. */
interface Expected {
  n: number;
  readonly principal: string | undefined;
}

/** A worker's sessions: the live ones and the ones it destroyed. */
class Worker {
  readonly live = new Map<string, Expected>();
  readonly destroyed: string[] = [];
  readonly principals: readonly string[];

  constructor(index: number) {
    this.principals = [`worker-${index}-a`, `worker-${index}-b`];
  }

  anyLive(): string | undefined {
    const size = this.live.size;
    if (size === 0) return undefined;
    let skip = Math.floor(Math.random() * size);
    for (const id of this.live.keys()) if (skip-- === 0) return id;
    return undefined;
  }
}

const WEIGHTS: ReadonlyArray<readonly [LoadOperation, number]> = [
  ['create', 3],
  ['signIn', 2],
  ['load', 6],
  ['commit', 5],
  ['destroy', 1],
  ['findByPrincipal', 1],
  ['count', 1],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

function pick(): LoadOperation {
  let roll = Math.random() * TOTAL_WEIGHT;
  for (const [operation, weight] of WEIGHTS) {
    roll -= weight;
    if (roll < 0) return operation;
  }
  return 'load';
}

/**
 * Runs mixed operations on `store` with `workers` workers until `stop()`. Every operation
 * that succeeded is counted (and, with `onDone`, reported with the session it touched); every
 * one that failed, or answered something the worker's own record contradicts (a session it
 * wrote that is not there, a commit that found it gone), is a failure.
 */
export class MixedSessionLoad {
  readonly failures: LoadFailure[] = [];
  readonly done = new Map<LoadOperation, number>();
  readonly #store: SessionStore;
  readonly #workers: Worker[];
  readonly #onDone: ((operation: LoadOperation, id: string | undefined) => void) | undefined;
  #running = false;
  #loops: Promise<void>[] = [];

  constructor(
    store: SessionStore,
    workers: number,
    onDone?: (operation: LoadOperation, id: string | undefined) => void,
  ) {
    this.#store = store;
    this.#workers = Array.from({ length: workers }, (_, i) => new Worker(i));
    this.#onDone = onDone;
  }

  /** Successful operations so far. */
  get successes(): number {
    let sum = 0;
    for (const count of this.done.values()) sum += count;
    return sum;
  }

  /** Creates `count` sessions before the load starts, shared out among the workers. */
  async populate(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < count; start += 100) {
      const created = await Promise.all(
        Array.from({ length: Math.min(100, count - start) }, () => this.#store.create({ n: 0 })),
      );
      for (const record of created) {
        const worker = this.#workers[ids.length % this.#workers.length] as Worker;
        worker.live.set(record.id, { n: 0, principal: undefined });
        ids.push(record.id);
      }
    }
    return ids;
  }

  start(): void {
    this.#running = true;
    this.#loops = this.#workers.map((worker) => this.#run(worker));
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  /**
   * Reads back every session the workers own: the ones they hold must be there with the last
   * value they committed and their principal, the ones they destroyed must be gone, and each
   * principal must list exactly its live sessions. Returns what differs.
   */
  async differences(): Promise<string[]> {
    const found: string[] = [];
    for (const worker of this.#workers) {
      const live = [...worker.live];
      for (let i = 0; i < live.length; i += 100) {
        const chunk = live.slice(i, i + 100);
        const records = await Promise.all(chunk.map(([id]) => this.#store.load(id)));
        chunk.forEach(([id, expected], k) => {
          const record = records[k];
          if (!record) found.push(`${id}: missing`);
          else if (record.get('n') !== expected.n)
            found.push(`${id}: n is ${String(record.get('n'))}, committed ${expected.n}`);
          else if (record.principal !== expected.principal)
            found.push(`${id}: principal ${record.principal}, signed in as ${expected.principal}`);
        });
      }
      const gone = await Promise.all(worker.destroyed.map((id) => this.#store.load(id)));
      gone.forEach((record, k) => {
        if (record) found.push(`${worker.destroyed[k]}: destroyed, still there`);
      });
      for (const principal of worker.principals) {
        const listed = (await this.#store.findByPrincipal(principal)).map((record) => record.id);
        const expected = live.filter(([, e]) => e.principal === principal).map(([id]) => id);
        if (listed.sort().join() !== expected.sort().join()) {
          found.push(`${principal}: lists ${listed.length} sessions, ${expected.length} live`);
        }
      }
    }
    return found;
  }

  /** Sessions the workers hold now. */
  get liveCount(): number {
    return this.#workers.reduce((sum, worker) => sum + worker.live.size, 0);
  }

  async #run(worker: Worker): Promise<void> {
    while (this.#running) {
      const operation = pick();
      let id: string | undefined;
      try {
        id = await this.#one(worker, operation);
        this.done.set(operation, (this.done.get(operation) ?? 0) + 1);
        this.#onDone?.(operation, id);
      } catch (error) {
        this.failures.push({
          operation,
          id,
          code: isSessError(error) ? error.code : error instanceof Error ? error.name : 'thrown',
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  /** Runs `operation` for `worker`; returns the session it touched. */
  async #one(worker: Worker, operation: LoadOperation): Promise<string | undefined> {
    const store = this.#store;
    const id = worker.anyLive();
    switch (operation) {
      case 'create': {
        const record = await store.create({ n: 0 });
        worker.live.set(record.id, { n: 0, principal: undefined });
        return record.id;
      }
      case 'signIn': {
        const principal = worker.principals[Math.floor(Math.random() * 2)] as string;
        const record = await store.create({ n: 0 }, { principal });
        worker.live.set(record.id, { n: 0, principal });
        return record.id;
      }
      case 'findByPrincipal': {
        const principal = worker.principals[Math.floor(Math.random() * 2)] as string;
        for (const record of await store.findByPrincipal(principal)) {
          if (!worker.live.has(record.id)) {
            throw new Error(`findByPrincipal(${principal}) lists ${record.id}, not live`);
          }
        }
        return undefined;
      }
      case 'count':
        await store.count();
        return undefined;
    }
    if (id === undefined) return undefined;
    const expected = worker.live.get(id) as Expected;
    const record = await store.load(id);
    if (!record) throw new Error(`load(${id}): a session the worker holds is missing`);
    if (record.get('n') !== expected.n) {
      throw new Error(`load(${id}): n is ${String(record.get('n'))}, committed ${expected.n}`);
    }
    if (operation === 'commit') {
      record.set('n', expected.n + 1);
      const result = await store.commit(record);
      if (result !== 'saved') throw new Error(`commit(${id}): ${result}`);
      expected.n += 1;
    } else if (operation === 'destroy') {
      if (!(await store.destroy(id))) throw new Error(`destroy(${id}): it was not there`);
      worker.live.delete(id);
      worker.destroyed.push(id);
    }
    return id;
  }
}
