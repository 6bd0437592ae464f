import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { BenchResults, PreviousRun } from './results.js';
import { isSessKind } from './stacks.js';

/**
 * The run this one is compared with: `file` when given (`--previous`), otherwise the results
 * JSON at `jsonPath` as committed at HEAD, read from git rather than from the disk, where an
 * earlier short run may have left a file nobody committed. Read before this run overwrites it.
 * Undefined when there is none (no git, nothing committed there yet).
 */
export async function readPreviousRun(
  jsonPath: string,
  file: string | undefined,
): Promise<PreviousRun | undefined> {
  if (file !== undefined) {
    return summarize(JSON.parse(await readFile(file, 'utf8')) as BenchResults, file);
  }
  const cwd = dirname(jsonPath);
  const name = basename(jsonPath);
  let text: string;
  let commit: string;
  try {
    text = git(cwd, ['show', `HEAD:./${name}`]);
    commit = git(cwd, ['log', '-1', '--format=%h', 'HEAD', '--', name]).trim();
  } catch {
    return undefined;
  }
  return summarize(
    JSON.parse(text) as BenchResults,
    `${name} as committed in ${commit.length > 0 ? commit : 'HEAD'}`,
  );
}

/** What the comparison needs of a run: sess' and bare's throughput (bare to set the scale). */
function summarize(results: BenchResults, source: string): PreviousRun {
  return {
    source,
    revision: results.revision,
    startedAt: results.startedAt,
    machine: results.machine,
    throughput: results.throughput
      .filter((run) => run.stack.kind === 'bare' || isSessKind(run.stack.kind))
      .map((run) => ({
        stack: run.stack,
        scenario: run.scenario,
        requestsPerSecond: run.load.requestsPerSecond,
        serverCpuPerRequest: run.serverCpuPerRequest,
      })),
  };
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
}
