import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cwdOf, isAlive } from './support/redis-probe.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const entry = new URL('../dist/index.js', import.meta.url).href;

// A separate Node process runs the built package, as a user's test run would.
beforeAll(() => {
  execFileSync(
    fileURLToPath(new URL('../../../node_modules/.bin/tsc', import.meta.url)),
    ['-p', 'tsconfig.build.json'],
    { cwd: packageRoot },
  );
}, 60_000);

type Ending = 'returns' | 'throws' | 'SIGTERM';

/** Starts a server in a child process that never calls stop(), and ends that process. */
async function serverLeftBehind(ending: Ending): Promise<{ pid: number; dir: string | undefined }> {
  const script = `
    const { startRedis } = await import(${JSON.stringify(entry)});
    const server = await startRedis({ env: false });
    console.log(JSON.stringify({ pid: server.pid }));
    if (${JSON.stringify(ending)} === 'throws') throw new Error('test run crashed');
    if (${JSON.stringify(ending)} === 'SIGTERM') setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (output.includes('\n') && line) resolve((JSON.parse(line) as { pid: number }).pid);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', () => reject(new Error(`child ended before starting a server: ${output}`)));
  });
  const dir = cwdOf(pid);
  if (ending === 'SIGTERM') child.kill('SIGTERM');
  await exited;
  return { pid, dir };
}

async function waitUntilDead(pid: number): Promise<boolean> {
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await delay(20);
  }
  return false;
}

describe('servers do not outlive the test process', () => {
  for (const ending of ['returns', 'throws', 'SIGTERM'] as const) {
    it(`when the process ${ending === 'SIGTERM' ? 'gets SIGTERM' : ending} without stop()`, async () => {
      const { pid, dir } = await serverLeftBehind(ending);
      expect(await waitUntilDead(pid)).toBe(true);
      if (dir !== undefined) expect(existsSync(dir)).toBe(false);
    }, 15_000);
  }
});
