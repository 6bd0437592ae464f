import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { registerExitCleanup } from './exit-cleanup.js';
import { findFreePort } from './free-port.js';
import type { RedisInstance } from './redis-instance.js';
import { waitForRedis } from './redis-ping.js';
import { RespConnection, type RespEndpoint, withTimeout } from './resp-connection.js';
import { createTestCertificates, type TestCertificates } from './test-certificates.js';

export interface RedisProcessOptions {
  /** Path of the redis-server executable. */
  readonly binary: string;
  /** Extra arguments after the testkit's own. */
  readonly args: readonly string[];
  /**
   * A config file for the server (needed by Sentinel, which rewrites it): written once into
   * the server's temp dir and passed as the first argument. A restart keeps what the server
   * wrote into it.
   */
  readonly config?: string;
  /** How long a start (or restart) may take (ms). */
  readonly startTimeout: number;
  /**
   * A TLS port besides the plain one, with certificates made for the server in its temp dir;
   * `authClients`: the server requires a client certificate on it (`tls-auth-clients yes`).
   */
  readonly tls?: { readonly authClients: boolean } | undefined;
}

/** The TLS port of a `RedisProcess` and the certificates a client needs for it. */
export interface RedisProcessTls {
  readonly port: number;
  readonly certificates: TestCertificates;
}

const HOST = '127.0.0.1';
const PORT_ATTEMPTS = 5;
const OUTPUT_KEPT = 4_000;
const STOP_GRACE_MS = 5_000;

/** A start failed because another process took the port between our probe and the bind. */
class PortTakenError extends Error {}

/**
 * A throwaway `redis-server` on a free loopback port: no persistence, a temp dir of its own,
 * killed on process exit if nobody stopped it.
 */
export class RedisProcess implements RedisInstance {
  readonly source = 'binary' as const;
  readonly endpoint: RespEndpoint;
  readonly url: string;
  readonly #options: RedisProcessOptions;
  #child: ChildProcess | undefined;
  #exit: Promise<void> = Promise.resolve();
  #exited = true;
  #paused = false;
  #dir: string | undefined;
  readonly #tlsPort: number | undefined;
  #certificates: TestCertificates | undefined;
  #output = '';
  #stopping: Promise<void> | undefined;
  #unregister: (() => void) | undefined;

  private constructor(options: RedisProcessOptions, port: number, tlsPort: number | undefined) {
    this.#options = options;
    this.endpoint = { host: HOST, port };
    this.url = `redis://${HOST}:${port}`;
    this.#tlsPort = tlsPort;
  }

  /** Starts a server on a free port, trying another port if one was taken meanwhile. */
  static async start(options: RedisProcessOptions): Promise<RedisProcess> {
    const deadline = Date.now() + options.startTimeout;
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort(HOST);
      const tlsPort = options.tls ? await findFreePort(HOST) : undefined;
      const server = new RedisProcess(options, port, tlsPort);
      try {
        await server.#launch(deadline);
        return server;
      } catch (error) {
        await server.stop();
        if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
  }

  get pid(): number | undefined {
    return this.#exited ? undefined : this.#child?.pid;
  }

  /** The TLS port and its certificates, when started with `tls`. */
  get tls(): RedisProcessTls | undefined {
    if (this.#tlsPort === undefined || !this.#certificates) return undefined;
    return { port: this.#tlsPort, certificates: this.#certificates };
  }

  get running(): boolean {
    return !this.#exited;
  }

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#signal('pause()', 'SIGSTOP');
    this.#paused = true;
  }

  resume(): void {
    this.#signal('resume()', 'SIGCONT');
    this.#paused = false;
  }

  async kill(): Promise<void> {
    if (this.#exited) return;
    this.#child?.kill('SIGKILL');
    await this.#exit;
  }

  async restart(): Promise<void> {
    if (!this.#exited) await this.#terminate();
    this.#stopping = undefined;
    const deadline = Date.now() + this.#options.startTimeout;
    // The old process is gone, but its port may need a moment before it can be bound again.
    for (;;) {
      try {
        await this.#launch(deadline);
        return;
      } catch (error) {
        if (!(error instanceof PortTakenError) || Date.now() >= deadline) throw error;
        await delay(50);
      }
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#terminate();
      if (this.#dir !== undefined) await rm(this.#dir, { recursive: true, force: true });
      this.#dir = undefined;
      this.#unregister?.();
      this.#unregister = undefined;
    })();
    return this.#stopping;
  }

  async #launch(deadline: number): Promise<void> {
    this.#unregister ??= registerExitCleanup(() => this.#killNow());
    this.#dir ??= await mkdtemp(join(tmpdir(), 'sess-redis-'));
    const args = [
      ...(await this.#configFile(this.#dir)),
      '--save',
      '',
      '--appendonly',
      'no',
      '--port',
      String(this.endpoint.port),
      '--bind',
      HOST,
      '--dir',
      this.#dir,
      ...(await this.#tlsArgs(this.#dir)),
      ...this.#options.args,
    ];
    this.#output = '';
    const child = spawn(this.#options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#exited = false;
    this.#paused = false;
    let exitError: Error | undefined;
    child.once('exit', () => {
      this.#exited = true;
      this.#paused = false;
    });
    // 'close' comes after the output is read to the end, which the failure message needs.
    this.#exit = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.#exited = true;
        exitError = this.#startFailure(code, signal);
        resolve();
      });
    });
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // Neither the process nor its pipes may keep a test run alive; the exit cleanup kills it.
    child.unref();
    unrefStream(child.stdout);
    unrefStream(child.stderr);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      // Kept for the process' whole life: a later 'error' (a failed kill) must not go unhandled.
      child.on('error', (error) => {
        if (child.pid === undefined) this.#exited = true;
        reject(new Error(`could not run ${this.#options.binary}: ${error.message}`));
      });
    });
    try {
      await waitForRedis(this.endpoint, { deadline, gone: () => exitError });
      // Whoever took the port first may be a Redis too (a parallel test run): make sure the
      // server that answered is ours.
      const answering = await serverPid(this.endpoint);
      if (answering !== child.pid) {
        throw new PortTakenError(
          `port ${this.endpoint.port} is served by another Redis (pid ${answering})`,
        );
      }
    } catch (error) {
      if (!this.#exited) {
        child.kill('SIGKILL');
        await this.#exit;
      }
      throw error instanceof PortTakenError ? error : (exitError ?? error);
    }
  }

  /** The TLS port's arguments; the certificates are made on the first launch and kept. */
  async #tlsArgs(dir: string): Promise<string[]> {
    if (!this.#options.tls || this.#tlsPort === undefined) return [];
    this.#certificates ??= await createTestCertificates(join(dir, 'tls'));
    const { caFile, server } = this.#certificates;
    return [
      '--tls-port',
      String(this.#tlsPort),
      '--tls-cert-file',
      server.certFile,
      '--tls-key-file',
      server.keyFile,
      '--tls-ca-cert-file',
      caFile,
      '--tls-auth-clients',
      this.#options.tls.authClients ? 'yes' : 'no',
    ];
  }

  /** The config file argument: written on the first launch only, so a restart keeps its rewrites. */
  async #configFile(dir: string): Promise<string[]> {
    if (this.#options.config === undefined) return [];
    const path = join(dir, 'redis.conf');
    await writeFile(path, this.#options.config, { flag: 'wx' }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    });
    return [path];
  }

  #startFailure(code: number | null, signal: NodeJS.Signals | null): Error {
    const output = this.#output.trim();
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const message = `redis-server on port ${this.endpoint.port} ${how}${output ? `:\n${output}` : ''}`;
    return /address already in use/i.test(output)
      ? new PortTakenError(message)
      : new Error(message);
  }

  #signal(operation: string, signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid === undefined) throw new Error(`${operation}: the Redis server is not running`);
    process.kill(pid, signal);
  }

  /** SIGTERM (after SIGCONT if paused), then SIGKILL if it does not go in time. */
  async #terminate(): Promise<void> {
    const child = this.#child;
    if (this.#exited || !child) return;
    if (this.#paused) child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.#exit;
    clearTimeout(timer);
  }

  #killNow(): void {
    if (!this.#exited && this.#child?.pid !== undefined) {
      try {
        process.kill(this.#child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** The process id of the server answering at `endpoint`. */
async function serverPid(endpoint: RespEndpoint): Promise<number | undefined> {
  const connection = await RespConnection.open(endpoint);
  try {
    const info = String(await withTimeout(connection.call(['INFO', 'server']), 2_000, 'INFO'));
    const pid = /^process_id:(\d+)/m.exec(info)?.[1];
    return pid === undefined ? undefined : Number(pid);
  } finally {
    connection.destroy();
  }
}

function unrefStream(stream: unknown): void {
  (stream as { unref?: () => void } | null)?.unref?.();
}
