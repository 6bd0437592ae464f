import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/run-cli.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bin.js');

export interface SessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `sess` binary with `args` and collects its output and exit code. */
export function runSess(args: readonly string[]): Promise<SessRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.SESS_REDIS_URL;
    delete env.SESS_REDIS_PASSWORD;
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `sess ... --json` and parses stdout (which must be exactly one JSON document). */
export async function runSessJson<T = Record<string, unknown>>(
  args: readonly string[],
): Promise<SessRun & { json: T }> {
  const run = await runSess([...args, '--json']);
  let json: T;
  try {
    json = JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, json };
}

/**
 * Runs the CLI in this process (`runCli`, what `bin.js` calls): for the variants of a command
 * whose binary run a test has already checked, without starting Node again.
 */
export async function runSessHere(args: readonly string[]): Promise<SessRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  });
  return { code, stdout, stderr };
}

/** `runSessHere(... --json)` with stdout parsed. */
export async function runSessHereJson<T = Record<string, unknown>>(
  args: readonly string[],
): Promise<SessRun & { json: T }> {
  const run = await runSessHere([...args, '--json']);
  return { ...run, json: JSON.parse(run.stdout) as T };
}
