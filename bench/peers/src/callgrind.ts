import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * valgrind's callgrind, counting the instructions a process executes in user space (all its
 * threads: the JIT's and the GC's included; not the kernel's work for its system calls). Counting starts off, so start-up and warm-up are not counted;
 * `measure` switches it on around one piece of work and reads the count from the dump.
 */
export class Callgrind {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Throws with what to install when valgrind is missing. */
  static assertInstalled(): void {
    for (const tool of ['valgrind', 'callgrind_control']) {
      try {
        execFileSync(tool, ['--version'], { stdio: 'ignore' });
      } catch {
        throw new Error(`${tool} not found: install valgrind (Debian: apt-get install valgrind)`);
      }
    }
  }

  static version(): string {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  }

  /** The command that runs node under callgrind, its dumps written into this directory. */
  wrapper(): string[] {
    return [
      'valgrind',
      '--tool=callgrind',
      '-q',
      '--instr-atstart=no',
      `--callgrind-out-file=${join(this.#dir, 'callgrind.out.%p')}`,
    ];
  }

  /** Instructions process `pid` executed while `work` ran. */
  async measure(pid: number, work: () => Promise<void>): Promise<number> {
    control(pid, '--instr=on');
    try {
      await work();
    } finally {
      control(pid, '--dump');
      control(pid, '--instr=off');
    }
    return this.#dumped(pid);
  }

  /** The `totals:` of the dumps of `pid` (one per `--dump`; counters restart after each). */
  #dumped(pid: number): number {
    const prefix = `callgrind.out.${pid}.`;
    let total = 0;
    for (const name of readdirSync(this.#dir)) {
      if (!name.startsWith(prefix)) continue;
      const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(this.#dir, name), 'utf8'));
      if (totals?.[1] === undefined) throw new Error(`${name}: no totals line`);
      total += Number(totals[1]);
    }
    if (total === 0) throw new Error(`no callgrind dump of process ${pid} in ${this.#dir}`);
    return total;
  }
}

function control(pid: number, action: string): void {
  execFileSync('callgrind_control', [action, String(pid)], { stdio: 'ignore' });
}
