import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PortCacheStats } from '@sess/core/port';
import { pinProcess } from './cpu-pinning.js';
import type { ServerCommand, ServerReport } from './ipc.js';
import { type Stack, stackName } from './stacks.js';

const SERVER_MAIN = fileURLToPath(new URL('./server-main.js', import.meta.url));
const START_TIMEOUT_MS = 20_000;
/** How long a question to a server (CPU time, heap, cache figures) may wait for its answer. */
const ASK_TIMEOUT_MS = 300_000;

export interface ServerProcessOptions {
  /** Write a V8 CPU profile of the server into this directory when it exits. */
  readonly cpuProfileDir?: string | undefined;
  /** Run the server on these CPUs only (`taskset` list). */
  readonly cpus?: string | undefined;
  /** Added to the server's environment. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** A program that runs node (`valgrind` and its options): node's path and arguments follow. */
  readonly wrapper?: readonly string[] | undefined;
  /** How long the server may take to listen (ms). */
  readonly startTimeout?: number | undefined;
  /** Another checkout's `server-main.js` (an earlier revision of sess, see `baseline-main`). */
  readonly serverMain?: string | undefined;
}

/** A benchmarked server in a process of its own (NODE_ENV=production, --expose-gc). */
export class ServerProcess {
  readonly stack: Stack;
  readonly url: string;
  /** The server's process (a wrapper's, which runs node in the same process). */
  readonly pid: number | undefined;
  readonly #child: ChildProcess;
  /**
   * Built from another checkout (`serverMain`): an earlier revision, whose server answers only
   * what every revision's does (`listening`, `cpu`, `heap`, `close`).
   */
  readonly #earlier: boolean;

  private constructor(stack: Stack, child: ChildProcess, port: number, earlier: boolean) {
    this.stack = stack;
    this.#child = child;
    this.#earlier = earlier;
    this.pid = child.pid;
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(
    stack: Stack,
    redisUrl: string,
    options: ServerProcessOptions = {},
  ): Promise<ServerProcess> {
    const execArgv = ['--expose-gc'];
    if (options.cpuProfileDir !== undefined) {
      execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
    }
    const [wrapper, ...wrapperArgs] = options.wrapper ?? [];
    const child = fork(options.serverMain ?? SERVER_MAIN, [stack.framework, stack.kind, redisUrl], {
      ...(wrapper === undefined
        ? { execArgv }
        : { execPath: wrapper, execArgv: [...wrapperArgs, process.execPath, ...execArgv] }),
      env: { ...process.env, ...options.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    if (options.cpus !== undefined && child.pid !== undefined) pinProcess(child.pid, options.cpus);
    const startTimeout = options.startTimeout ?? START_TIMEOUT_MS;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${stackName(stack)}: no answer within ${startTimeout} ms`));
      }, startTimeout);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${stackName(stack)}: exited (${code}) before listening`));
      };
      child.once('exit', onExit);
      child.on('message', function onMessage(message: ServerReport) {
        if (message.type === 'listening') {
          resolve(message.port);
        } else if (message.type === 'failed') {
          reject(new Error(`${stackName(stack)}: ${message.message}`));
        } else {
          return;
        }
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onMessage);
      });
    });
    return new ServerProcess(stack, child, port, options.serverMain !== undefined);
  }

  /** Heap in use after a full collection, in bytes. */
  async heapUsed(): Promise<number> {
    const reply = await this.#ask({ type: 'heap' }, 'heap');
    return reply.heapUsed;
  }

  /** CPU time the server process has used so far (user + system), in microseconds. */
  async cpuMicros(): Promise<number> {
    const reply = await this.#ask({ type: 'cpu' }, 'cpu');
    return reply.micros;
  }

  /**
   * The figures of the app's read cache, undefined when it has none. An earlier revision's
   * server is not asked: it may predate the question, and would never answer.
   */
  async cacheStats(): Promise<PortCacheStats | undefined> {
    if (this.#earlier) return undefined;
    const reply = await this.#ask({ type: 'cache' }, 'cache');
    return reply.stats ?? undefined;
  }

  #ask<T extends ServerReport['type']>(
    command: ServerCommand,
    answer: T,
  ): Promise<Extract<ServerReport, { type: T }>> {
    const child = this.#child;
    const name = stackName(this.stack);
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onExit = () => {
        settle();
        reject(new Error(`${name} exited`));
      };
      // A server that does not know the question would leave the run waiting for good; even
      // under callgrind an answer takes seconds.
      const timer = setTimeout(() => {
        settle();
        reject(
          new Error(`${name}: no answer to '${command.type}' within ${ASK_TIMEOUT_MS / 1000} s`),
        );
      }, ASK_TIMEOUT_MS);
      const onMessage = (message: ServerReport) => {
        if (message.type !== answer) return;
        settle();
        resolve(message as Extract<ServerReport, { type: T }>);
      };
      child.once('exit', onExit);
      child.on('message', onMessage);
      child.send(command);
    });
  }

  /** Closes the app and its Redis connections, then waits for the process to end. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    this.#child.send({ type: 'close' } satisfies ServerCommand);
    await exited;
    clearTimeout(timer);
  }
}
