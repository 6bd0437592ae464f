import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Which CPUs the servers get, and which the load generator, redis-server and the bench share.
 * On a small machine the load generator would otherwise take CPU from the server it measures,
 * and more from a fast server than from a slow one; with a CPU of its own, a server's
 * throughput is what that CPU can serve, as on an app instance in production.
 */
export interface CpuPlan {
  readonly server: string;
  readonly others: string;
}

/** A plan when `taskset` works and at least two CPUs are allowed; undefined otherwise. */
export function planCpus(): CpuPlan | undefined {
  const allowed = allowedCpus();
  if (allowed.length < 2) return undefined;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const server = allowed[allowed.length - 1] as number;
  return { server: String(server), others: allowed.slice(0, -1).join(',') };
}

/** Restricts a process (all its threads) to `cpus`. */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

function allowedCpus(): number[] {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1];
    if (list === undefined) return [];
    return list.split(',').flatMap((range) => {
      const [from, to] = range.split('-').map(Number) as [number, number | undefined];
      return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
    });
  } catch {
    return [];
  }
}
