import { checkOptionKeys, optionNames } from '@sess/core/internal';
import type { AuditReport } from './command-audit.js';
import { CommandAudit } from './command-audit.js';
import { redisServerFor } from './redis-launcher.js';
import { RedisProcess } from './redis-process.js';
import { LaunchedRedisServer, type RedisServer } from './redis-server.js';
import { adminCall, infoFields, pairFields, pollUntil } from './server-admin.js';
import { mergedAudit, stopAll } from './topology-members.js';

export interface StartRedisSentinelOptions {
  /**
   * Audit the master and the replicas (MONITOR, from the moment the set is ready): `stop()`
   * then rejects if anything broke sess's rules. Sentinel's own `CONFIG REWRITE` in a failover
   * is not counted.
   * @default false
   */
  audit?: boolean;
  /**
   * The name the Sentinels monitor the master under.
   * @default 'mymaster'
   */
  masterName?: string;
  /**
   * Replicas of the master.
   * @default 2
   */
  replicas?: number;
  /**
   * Sentinel processes.
   * @default 3
   */
  sentinels?: number;
  /**
   * Sentinels that must agree the master is down before a failover.
   * @default 2
   */
  quorum?: number;
  /**
   * `down-after-milliseconds`: how long the master may stay silent before a Sentinel thinks it
   * is down. Small, so a failover takes seconds in a test (production uses tens of seconds).
   * @default 1_000
   */
  downAfter?: number;
  /**
   * `failover-timeout` (ms).
   * @default 5_000
   */
  failoverTimeout?: number;
  /**
   * Extra `redis-server` arguments for the master and the replicas.
   * @default []
   */
  args?: readonly string[];
  /**
   * The `redis-server` executable.
   * @default the first `redis-server` on PATH
   */
  redisServerPath?: string;
  /**
   * How long the whole set may take to be ready (ms).
   * @default 30_000
   */
  startTimeout?: number;
}

const START_REDIS_SENTINEL_OPTION_NAMES = optionNames<StartRedisSentinelOptions>({
  audit: true,
  masterName: true,
  replicas: true,
  sentinels: true,
  quorum: true,
  downAfter: true,
  failoverTimeout: true,
  args: true,
  redisServerPath: true,
  startTimeout: true,
});

/** A master, its replicas and the Sentinels that watch them, from `startRedisSentinel()`. */
export interface RedisSentinelSet {
  /** The name to give a Sentinel client (`createSentinel({ name })`). */
  readonly masterName: string;
  /** The master when the set started. After a failover, ask `currentMaster()`. */
  readonly master: RedisServer;
  /** The replicas when the set started. */
  readonly replicas: readonly RedisServer[];
  readonly sentinels: readonly RedisServer[];
  /** The Sentinels' addresses (`createSentinel({ sentinelRootNodes })`). */
  readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  /** Every process of the set: master, replicas, Sentinels. */
  members(): RedisServer[];
  /** The master the Sentinels name now. */
  currentMaster(): Promise<RedisServer>;
  /**
   * Waits until the Sentinels have promoted another server than `from` and it answers as a
   * master; returns it.
   * @param timeout ms, default 30_000
   */
  waitForFailover(from: RedisServer, timeout?: number): Promise<RedisServer>;
  /**
   * Waits until every Sentinel names the same master, it answers as a master, and every other
   * running data server replicates from it.
   * @param timeout ms, default 30_000
   */
  waitUntilHealthy(timeout?: number): Promise<void>;
  /** The audit of the master and the replicas (needs `audit: true`). */
  audit(): Promise<AuditReport>;
  /** Stops every process; with `audit: true`, rejects afterwards if the audit found violations. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * One master, `replicas` replicas and `sentinels` Sentinels with quorum `quorum` on loopback
 * ports (the smallest sound production deployment, docs/production/topologies.md: 1 master, 2 replicas, 3 Sentinels, quorum 2).
 * Resolves once every replica is in sync and every Sentinel knows all the others. Needs the
 * `redis-server` executable. Each member can be killed, paused and restarted.
 */
export async function startRedisSentinel(
  options: StartRedisSentinelOptions = {},
): Promise<RedisSentinelSet> {
  checkOptionKeys(options, { known: START_REDIS_SENTINEL_OPTION_NAMES });
  const binary = redisServerFor('startRedisSentinel()', options.redisServerPath);
  const masterName = options.masterName ?? 'mymaster';
  const replicaCount = options.replicas ?? 2;
  const sentinelCount = options.sentinels ?? 3;
  const quorum = options.quorum ?? 2;
  const startTimeout = options.startTimeout ?? 30_000;
  const deadline = Date.now() + startTimeout;
  const left = (): number => Math.max(1_000, deadline - Date.now());
  // No delay before a full sync: a (re)started replica is in sync at once.
  const dataArgs = ['--repl-diskless-sync-delay', '0', ...(options.args ?? [])];
  const processes: RedisProcess[] = [];
  const launch = async (args: readonly string[], config?: string): Promise<RedisProcess> => {
    const started = await RedisProcess.start({
      binary,
      args,
      startTimeout: left(),
      ...(config === undefined ? {} : { config }),
    });
    processes.push(started);
    return started;
  };
  try {
    const master = await launch(dataArgs);
    const replicas = await Promise.all(
      Array.from({ length: replicaCount }, () =>
        launch([...dataArgs, '--replicaof', HOST, String(master.endpoint.port)]),
      ),
    );
    const config = [
      `sentinel monitor ${masterName} ${HOST} ${master.endpoint.port} ${quorum}`,
      `sentinel down-after-milliseconds ${masterName} ${options.downAfter ?? 1_000}`,
      `sentinel failover-timeout ${masterName} ${options.failoverTimeout ?? 5_000}`,
      `sentinel parallel-syncs ${masterName} 1`,
      '',
    ].join('\n');
    const sentinels = await Promise.all(
      Array.from({ length: sentinelCount }, () => launch(['--sentinel'], config)),
    );
    await Promise.all(
      replicas.map((replica) =>
        pollUntil(`replica on port ${replica.endpoint.port} in sync`, left(), async () => {
          const info = infoFields(await adminCall(replica.endpoint, ['INFO', 'replication']));
          return (
            info.get('master_link_status') === 'up' || `link ${info.get('master_link_status')}`
          );
        }),
      ),
    );
    await Promise.all(
      sentinels.map((sentinel) =>
        pollUntil(`Sentinel on port ${sentinel.endpoint.port} ready`, left(), async () => {
          const known = pairFields(
            await adminCall(sentinel.endpoint, ['SENTINEL', 'MASTER', masterName]),
          );
          const replicasKnown = Number(known.get('num-slaves'));
          const othersKnown = Number(known.get('num-other-sentinels'));
          return (
            (replicasKnown === replicaCount && othersKnown === sentinelCount - 1) ||
            `knows ${replicasKnown} replicas and ${othersKnown} other Sentinels`
          );
        }),
      ),
    );
    const wrap = async (instance: RedisProcess, audited: boolean): Promise<RedisServer> =>
      new LaunchedRedisServer(
        instance,
        audited
          ? await CommandAudit.start(instance.endpoint, { tolerated: ['config|rewrite'] })
          : undefined,
      );
    const audit = options.audit === true;
    return new SentinelSet(
      masterName,
      await wrap(master, audit),
      await Promise.all(replicas.map((replica) => wrap(replica, audit))),
      await Promise.all(sentinels.map((sentinel) => wrap(sentinel, false))),
    );
  } catch (error) {
    await Promise.allSettled(processes.map((started) => started.stop()));
    throw error;
  }
}

class SentinelSet implements RedisSentinelSet {
  readonly masterName: string;
  readonly master: RedisServer;
  readonly replicas: readonly RedisServer[];
  readonly sentinels: readonly RedisServer[];
  readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>;

  constructor(
    masterName: string,
    master: RedisServer,
    replicas: readonly RedisServer[],
    sentinels: readonly RedisServer[],
  ) {
    this.masterName = masterName;
    this.master = master;
    this.replicas = replicas;
    this.sentinels = sentinels;
    this.nodes = sentinels.map((sentinel) => ({ host: sentinel.host, port: sentinel.port }));
  }

  members(): RedisServer[] {
    return [...this.#dataServers(), ...this.sentinels];
  }

  async currentMaster(): Promise<RedisServer> {
    let lastError: unknown = new Error('no Sentinel is running');
    for (const sentinel of this.sentinels) {
      if (sentinel.pid === undefined || sentinel.paused) continue;
      try {
        return this.#serverOnPort(await this.#masterPortOf(sentinel));
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  async waitForFailover(from: RedisServer, timeout = 30_000): Promise<RedisServer> {
    let promoted: RedisServer | undefined;
    await pollUntil(`failover away from port ${from.port}`, timeout, async () => {
      const named = await this.currentMaster();
      if (named === from) return 'the Sentinels still name the old master';
      const role = await adminCall(named, ['ROLE']);
      if (!Array.isArray(role) || role[0] !== 'master')
        return `port ${named.port} is no master yet`;
      promoted = named;
      return true;
    });
    return promoted as RedisServer;
  }

  async waitUntilHealthy(timeout = 30_000): Promise<void> {
    await pollUntil('Sentinel set healthy', timeout, async () => {
      const ports = new Set<number>();
      for (const sentinel of this.sentinels) {
        if (sentinel.pid !== undefined && !sentinel.paused) {
          ports.add(await this.#masterPortOf(sentinel));
        }
      }
      if (ports.size !== 1) return `the Sentinels name ${ports.size} masters`;
      const master = this.#serverOnPort([...ports][0] as number);
      const role = await adminCall(master, ['ROLE']);
      if (!Array.isArray(role) || role[0] !== 'master') return `port ${master.port} is no master`;
      for (const server of this.#dataServers()) {
        if (server === master || server.pid === undefined || server.paused) continue;
        const info = infoFields(await adminCall(server, ['INFO', 'replication']));
        if (info.get('master_port') !== String(master.port)) {
          return `port ${server.port} does not replicate from port ${master.port} yet`;
        }
        if (info.get('master_link_status') !== 'up') return `port ${server.port} is not in sync`;
      }
      return true;
    });
  }

  audit(): Promise<AuditReport> {
    return mergedAudit(this.#dataServers());
  }

  stop(): Promise<void> {
    return stopAll(this.members());
  }

  #dataServers(): RedisServer[] {
    return [this.master, ...this.replicas];
  }

  async #masterPortOf(sentinel: RedisServer): Promise<number> {
    const address = await adminCall(sentinel, [
      'SENTINEL',
      'GET-MASTER-ADDR-BY-NAME',
      this.masterName,
    ]);
    if (!Array.isArray(address))
      throw new Error(`Sentinel on port ${sentinel.port} knows no master`);
    return Number(address[1]);
  }

  #serverOnPort(port: number): RedisServer {
    const server = this.#dataServers().find((candidate) => candidate.port === port);
    if (!server) throw new Error(`the Sentinels name port ${port}, which is not in the set`);
    return server;
  }
}
