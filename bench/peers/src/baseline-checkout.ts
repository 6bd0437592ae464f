import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An earlier revision of this repository, installed and built, whose bench servers can run. */
export interface BaselineCheckout {
  /** The full commit id. */
  readonly commit: string;
  /** Its `bench/peers/dist/server-main.js`. */
  readonly serverMain: string;
}

/**
 * Checks `revision` out as a detached git worktree in the temporary directory (once: a second
 * run reuses it), installs its locked dependencies and builds its bench servers with the
 * packages they run. The servers of that revision speak the same IPC as today's (`listening`,
 * `cpu`, `close`); the bench asks them nothing else.
 */
export function prepareBaseline(
  repositoryDir: string,
  revision: string,
  log: (line: string) => void,
): BaselineCheckout {
  const commit = git(repositoryDir, ['rev-parse', '--verify', `${revision}^{commit}`]);
  const dir = join(tmpdir(), `sess-baseline-${commit.slice(0, 12)}`);
  const serverMain = join(dir, 'bench/peers/dist/server-main.js');
  if (!existsSync(join(dir, '.git'))) {
    log(`checking out ${commit.slice(0, 7)} in ${dir}`);
    git(repositoryDir, ['worktree', 'add', '--force', '--detach', dir, commit]);
  }
  if (!existsSync(serverMain)) {
    log(`installing and building ${commit.slice(0, 7)} (npm ci, turbo build)`);
    run(dir, 'npm', ['ci', '--no-audit', '--no-fund']);
    run(dir, 'npx', ['turbo', 'run', 'build', '--filter=@sess/bench-peers...']);
  }
  if (!existsSync(serverMain)) {
    throw new Error(`${revision}: no bench/peers/dist/server-main.js after the build`);
  }
  return { commit, serverMain };
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function run(cwd: string, command: string, args: readonly string[]): void {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}
