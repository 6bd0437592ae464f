import { type RedisAclUser, userUrl } from './acl-user.js';
import type { AuditReport, CommandAudit } from './command-audit.js';
import type { RedisInstance, RedisSource } from './redis-instance.js';
import type { RedisProcessTls } from './redis-process.js';
import type { TestCertificate } from './test-certificates.js';

/** The TLS port of a server started with `startRedis({ tls })`, and what a client needs for it. */
export interface RedisServerTls {
  /** `rediss://127.0.0.1:<port>` (as the `default` user). */
  readonly url: string;
  readonly port: number;
  /** PEM of the throwaway CA that signed the server's certificate: a client's `ca`. */
  readonly ca: string;
  /** The CA certificate as a file (e.g. for `sess --tls-ca`). */
  readonly caFile: string;
  /**
   * A client certificate signed by the same CA (`cert`, `key` and their files), for a server
   * started with `tls: { authClients: true }`.
   */
  readonly client: TestCertificate;
  /** `rediss://user:password@127.0.0.1:<port>` for one of the `users` the server was started with. */
  urlAs(user: string): string;
}

/** A Redis for tests, from `startRedis()`. */
export interface RedisServer {
  /** `redis://host:port` (for `REDIS_URL`, the URL as given). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The redis-server process id, or undefined when the testkit owns no process (env, docker) or it is not running. */
  readonly pid: number | undefined;
  readonly source: RedisSource;
  /** True between `pause()` and `resume()` (or a kill, restart or stop). */
  readonly paused: boolean;
  /** The TLS port, for a server started with `tls`; undefined otherwise. */
  readonly tls: RedisServerTls | undefined;
  /**
   * `redis://user:password@host:port` for one of the `users` the server was started with
   * (`url` is the `default` user, which has every permission).
   */
  urlAs(user: string): string;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
  /** Kills the server at once (SIGKILL), as a crash would; `restart()` brings it back. */
  kill(): Promise<void>;
  /** Starts the server again on the same port with the same arguments (stops it first if running). Data is gone. */
  restart(): Promise<void>;
  /**
   * Stops the server and removes its temp dir; safe to call twice. With `audit: true`, it then
   * rejects with a `CommandAuditError` if the audit found violations.
   */
  stop(): Promise<void>;
  /** What the audit saw so far (needs `startRedis({ audit: true })`). */
  audit(): Promise<AuditReport>;
}

/** `stop()` of an audited server found commands sess must not send. */
export class CommandAuditError extends Error {
  override readonly name = 'CommandAuditError';
  readonly report: AuditReport;

  constructor(report: AuditReport) {
    const count = report.violations.length;
    super(
      `the Redis command audit found ${plural(count, 'violation')} in ${plural(report.commands, 'command')}:\n` +
        report.violations.map((violation) => `  - ${violation}`).join('\n'),
    );
    this.report = report;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A `RedisInstance` with the audit wired to its lifecycle. */
export class LaunchedRedisServer implements RedisServer {
  readonly #instance: RedisInstance;
  readonly #audit: CommandAudit | undefined;
  readonly #users: readonly RedisAclUser[];
  readonly tls: RedisServerTls | undefined;
  #stopping: Promise<void> | undefined;

  constructor(
    instance: RedisInstance,
    audit: CommandAudit | undefined,
    access: { users?: readonly RedisAclUser[]; tls?: RedisProcessTls | undefined } = {},
  ) {
    this.#instance = instance;
    this.#audit = audit;
    const users = access.users ?? [];
    this.#users = users;
    const tls = access.tls;
    const host = instance.endpoint.host;
    this.tls = tls && {
      url: `rediss://${host}:${tls.port}`,
      port: tls.port,
      ca: tls.certificates.ca,
      caFile: tls.certificates.caFile,
      client: tls.certificates.client,
      urlAs: (user) => userUrl('rediss', host, tls.port, users, user),
    };
  }

  urlAs(user: string): string {
    return userUrl('redis', this.host, this.port, this.#users, user);
  }

  get url(): string {
    return this.#instance.url;
  }
  get host(): string {
    return this.#instance.endpoint.host;
  }
  get port(): number {
    return this.#instance.endpoint.port;
  }
  get pid(): number | undefined {
    return this.#instance.pid;
  }
  get source(): RedisSource {
    return this.#instance.source;
  }
  get paused(): boolean {
    return this.#instance.paused;
  }

  pause(): void {
    this.#instance.pause();
  }

  resume(): void {
    this.#instance.resume();
  }

  async kill(): Promise<void> {
    // The server's counters (admin commands, CROSSSLOT errors) die with it: read them first.
    if (this.#audit && this.#instance.running && !this.#instance.paused) {
      await this.#audit.report().catch(() => undefined);
    }
    await this.#instance.kill();
    await this.#audit?.detach();
  }

  async restart(): Promise<void> {
    await this.#audit?.detach();
    await this.#instance.restart();
    this.#stopping = undefined;
    await this.#audit?.attach();
  }

  async audit(): Promise<AuditReport> {
    if (!this.#audit) throw new Error('audit(): start the server with startRedis({ audit: true })');
    return this.#audit.report();
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    let report: AuditReport | undefined;
    let auditFailure: unknown;
    if (this.#audit) {
      try {
        if (this.#instance.paused) this.#instance.resume();
        report = await this.#audit.report();
      } catch (error) {
        auditFailure = error;
      }
      await this.#audit.close();
    }
    await this.#instance.stop();
    if (auditFailure !== undefined) throw auditFailure;
    if (report && report.violations.length > 0) throw new CommandAuditError(report);
  }
}
