import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinProcess } from './cpu-pinning.js';
import type { LoadJob, LoadReport, LoadResult } from './ipc.js';

const LOAD_MAIN = fileURLToPath(new URL('./load-main.js', import.meta.url));

/** autocannon in a process of its own; runs one job at a time. */
export class LoadGenerator {
  readonly #child: ChildProcess;
  #jobs = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  /** `cpus`: run it on these CPUs only (`taskset` list). */
  static start(cpus?: string): LoadGenerator {
    const child = fork(LOAD_MAIN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (cpus !== undefined && child.pid !== undefined) pinProcess(child.pid, cpus);
    return new LoadGenerator(child);
  }

  run(job: Omit<LoadJob, 'id'>): Promise<LoadResult> {
    const id = ++this.#jobs;
    const child = this.#child;
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('the load generator exited'));
      child.once('exit', onExit);
      child.on('message', function onMessage(message: LoadReport) {
        if (message.id !== id) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (message.type === 'done') resolve(message.result);
        else reject(new Error(`load run failed: ${message.message}`));
      });
      child.send({ ...job, id } satisfies LoadJob);
    });
  }

  stop(): Promise<void> {
    if (this.#child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.disconnect();
    });
  }
}
