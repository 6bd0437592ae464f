import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { CookieClient, textOf } from '@sess/example-shared/testing';
import { afterEach, expect, it } from 'vitest';

// The quick start as a user runs it: `npm start` at the root of a fresh clone builds what the
// Express example needs, starts it on a throwaway redis-server and prints the URL. Then SIGTERM
// to npm alone, as a process manager sends it: npm passes it on (the script `exec`s node, so no
// shell in between swallows it), the app stops its redis-server, and nothing is left over.

const root = resolve(import.meta.dirname, '../../..');
const STARTUP_DEADLINE_MS = 25_000;

let child: ChildProcess | undefined;
let redisPid: number | undefined;

afterEach(() => {
  // Whatever the test did not get to: nothing it started may outlive it.
  if (child?.pid !== undefined) killGroup(child.pid, 'SIGKILL');
  if (redisPid !== undefined && isAlive(redisPid)) process.kill(redisPid, 'SIGKILL');
  child = undefined;
  redisPid = undefined;
});

it('`npm start` serves the Express example on a throwaway Redis; SIGTERM leaves nothing running', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  delete env.REDIS_URL;
  // Its own process group: afterwards the test checks that the group is empty, and if the test
  // fails half-way, cleans up the whole group.
  const started = spawn('npm', ['start'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  const output = collectOutput(started);

  const banner = await output.waitFor(
    /throwaway redis-server at (redis:\/\/\S+) \(pid (\d+)\)[\s\S]*listening on (http:\/\/\S+)/,
    STARTUP_DEADLINE_MS,
  );
  const [, redisUrl = '', pid = '', appUrl = ''] = banner;
  redisPid = Number(pid);
  expect(isAlive(redisPid)).toBe(true);

  const client = new CookieClient(appUrl);
  expect((await client.post('/sign-in', { name: 'Quick Start' })).status).toBe(303);
  const home = await client.get('/');
  expect(home.body).toContain('Hello, Quick Start');
  expect(textOf(home.body, 'counter')).toBe('1');

  const exited = new Promise((resolve) => started.once('exit', resolve));
  started.kill('SIGTERM');
  await withDeadline(
    exited,
    10_000,
    () => `npm start did not exit after SIGTERM:\n${output.text()}`,
  );

  const { port } = new URL(redisUrl);
  await pollUntil(
    async () => !isAlive(redisPid!) && !(await accepts(Number(port))),
    10_000,
    `the throwaway redis-server (pid ${redisPid}, ${redisUrl}) is still running`,
  );
  await pollUntil(
    async () => !isAlive(-started.pid!),
    10_000,
    `processes of npm start are still running (process group ${started.pid})`,
  );
  expect(output.text()).toContain('SIGTERM: stopping');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Whether the process (or, for a negative pid, any process of that group) exists. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function collectOutput(source: ChildProcess) {
  let text = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  };
  source.stdout?.on('data', append);
  source.stderr?.on('data', append);
  let exitCode: number | null | undefined;
  source.once('exit', (code) => {
    exitCode = code;
    for (const waiter of waiters) waiter();
  });
  return {
    text: () => text,
    waitFor(pattern: RegExp, timeout: number): Promise<RegExpExecArray> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(text);
          if (match) done(() => resolve(match));
          else if (exitCode !== undefined) {
            done(() => reject(new Error(`npm start exited (${exitCode}) early:\n${text}`)));
          }
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${pattern} within ${timeout} ms:\n${text}`))),
          timeout,
        );
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

async function withDeadline<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function pollUntil(
  check: () => Promise<boolean>,
  ms: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
