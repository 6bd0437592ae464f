import { checkOptionKeys, optionNames } from '@sess/core/internal';
import {
  beginSlotMigration,
  type MigrationCluster,
  type SlotMigration,
} from './cluster-slot-migration.js';
import type { AuditReport } from './command-audit.js';
import { CommandAudit } from './command-audit.js';
import { keySlot, SLOT_COUNT } from './key-slot.js';
import { redisServerFor } from './redis-launcher.js';
import { RedisProcess } from './redis-process.js';
import { LaunchedRedisServer, type RedisServer } from './redis-server.js';
import type { RespValue } from './resp-reader.js';
import { adminCall, infoFields, pollUntil } from './server-admin.js';
import { mergedAudit, stopAll } from './topology-members.js';

export interface StartRedisClusterOptions {
  /**
   * Audit every node (MONITOR, from the moment the cluster is ready): `stop()` then rejects if
   * anything broke sess's rules, a command Redis refused with CROSSSLOT included.
   * @default false
   */
  audit?: boolean;
  /**
   * Master nodes; the 16384 slots are split evenly between them.
   * @default 3
   */
  masters?: number;
  /**
   * Replicas of each master.
   * @default 1
   */
  replicasPerMaster?: number;
  /**
   * `cluster-node-timeout` (ms): how long a node may stay silent before it is failed over.
   * Small, so a failover takes seconds in a test (Redis' default is 15 s).
   * @default 1_000
   */
  nodeTimeout?: number;
  /**
   * Extra `redis-server` arguments for every node.
   * @default []
   */
  args?: readonly string[];
  /**
   * The `redis-server` executable.
   * @default the first `redis-server` on PATH
   */
  redisServerPath?: string;
  /**
   * How long the whole cluster may take to be ready (ms).
   * @default 30_000
   */
  startTimeout?: number;
}

const START_REDIS_CLUSTER_OPTION_NAMES = optionNames<StartRedisClusterOptions>({
  audit: true,
  masters: true,
  replicasPerMaster: true,
  nodeTimeout: true,
  args: true,
  redisServerPath: true,
  startTimeout: true,
});

/** A Redis Cluster from `startRedisCluster()`. */
export interface RedisClusterSet {
  /**
   * Every node, masters first (in slot order), then the replicas, as they started, then the
   * nodes `addMaster()` added.
   */
  readonly nodes: readonly RedisServer[];
  /** For `createCluster({ rootNodes })`: the nodes the cluster started with. */
  readonly rootNodes: ReadonlyArray<{ readonly url: string }>;
  /** The nodes that are masters of slots now (asks a running node). */
  masters(): Promise<RedisServer[]>;
  /** The node that is master of the slot of `key` (or of slot `key` given as a number) now. */
  masterFor(key: string | number): Promise<RedisServer>;
  /**
   * Waits until every running node says the cluster is ok and every slot has a running
   * master.
   * @param timeout ms, default 30_000
   */
  waitUntilHealthy(timeout?: number): Promise<void>;
  /**
   * Starts a node (same arguments as the others, audited like them) and brings it into the
   * cluster (`CLUSTER MEET`), as `redis-cli --cluster add-node` does: a master that serves no
   * slot until slots are moved to it (`beginSlotMigration`). Resolves once every running node
   * knows it, it knows every running node and says the cluster is ok.
   * @param timeout ms, default 30_000
   */
  addMaster(timeout?: number): Promise<RedisServer>;
  /**
   * Opens `slots` for a move from their masters to `to` (IMPORTING on `to`, MIGRATING on each
   * source), as `redis-cli --cluster reshard` does; the returned migration moves the keys
   * (`migrateKeys`) and ends it (`finish` or `abort`). Sess never sends these admin commands:
   * they come from the testkit's own connections.
   */
  beginSlotMigration(slots: number | readonly number[], to: RedisServer): Promise<SlotMigration>;
  /** The audit of every node (needs `audit: true`). */
  audit(): Promise<AuditReport>;
  /** Stops every node; with `audit: true`, rejects afterwards if the audit found violations. */
  stop(): Promise<void>;
}

/**
 * A Redis Cluster on loopback ports: `masters` masters with `replicasPerMaster` replicas
 * each (3 and 1 by default), slots split evenly. Resolves once every node says the cluster
 * is ok and every replica is in sync. Needs the `redis-server` executable. A node keeps its
 * identity across `restart()` (its `nodes.conf` stays), so a restarted master rejoins as a
 * replica of the node that replaced it.
 */
export async function startRedisCluster(
  options: StartRedisClusterOptions = {},
): Promise<RedisClusterSet> {
  checkOptionKeys(options, { known: START_REDIS_CLUSTER_OPTION_NAMES });
  const binary = redisServerFor('startRedisCluster()', options.redisServerPath);
  const masterCount = options.masters ?? 3;
  const replicasPerMaster = options.replicasPerMaster ?? 1;
  const startTimeout = options.startTimeout ?? 30_000;
  const deadline = Date.now() + startTimeout;
  const left = (): number => Math.max(1_000, deadline - Date.now());
  const args = [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    'nodes.conf',
    '--cluster-node-timeout',
    String(options.nodeTimeout ?? 1_000),
    // A replica may always take over, however long it was cut off (a test pauses nodes).
    '--cluster-replica-validity-factor',
    '0',
    '--repl-diskless-sync-delay',
    '0',
    ...(options.args ?? []),
  ];
  const total = masterCount * (1 + replicasPerMaster);
  const processes: RedisProcess[] = [];
  try {
    await Promise.all(
      Array.from({ length: total }, async () => {
        processes.push(await RedisProcess.start({ binary, args, startTimeout: left() }));
      }),
    );
    const masters = processes.slice(0, masterCount);
    const replicas = processes.slice(masterCount);
    const ids = await Promise.all(
      processes.map(async (node) => String(await adminCall(node.endpoint, ['CLUSTER', 'MYID']))),
    );
    // Distinct epochs up front, as `redis-cli --cluster create` does: no epoch collision to
    // resolve while the nodes meet.
    await Promise.all(
      processes.map((node, i) => adminCall(node.endpoint, ['CLUSTER', 'SET-CONFIG-EPOCH', i + 1])),
    );
    await Promise.all(
      masters.map((node, i) => {
        const from = Math.floor((i * SLOT_COUNT) / masterCount);
        const to = Math.floor(((i + 1) * SLOT_COUNT) / masterCount) - 1;
        return adminCall(node.endpoint, ['CLUSTER', 'ADDSLOTSRANGE', from, to]);
      }),
    );
    const first = processes[0] as RedisProcess;
    for (const node of processes.slice(1)) {
      await adminCall(first.endpoint, ['CLUSTER', 'MEET', node.endpoint.host, node.endpoint.port]);
    }
    await Promise.all(
      processes.map((node) =>
        pollUntil(`node on port ${node.endpoint.port} knows every node`, left(), async () => {
          const known = clusterNodes(await adminCall(node.endpoint, ['CLUSTER', 'NODES']));
          const ready = known.filter((entry) => !/handshake|noaddr/.test(entry.flags));
          return ready.length === total || `knows ${ready.length} of ${total}`;
        }),
      ),
    );
    await Promise.all(
      replicas.map((node, i) =>
        adminCall(node.endpoint, ['CLUSTER', 'REPLICATE', ids[i % masterCount] as string]),
      ),
    );
    const settings: ClusterSettings = {
      binary,
      args,
      masterCount,
      audit: options.audit === true,
      startTimeout,
    };
    const cluster = new ClusterSet(
      processes.map((node) => new LaunchedRedisServer(node, undefined)),
      settings,
    );
    await cluster.waitUntilHealthy(left());
    await Promise.all(
      replicas.map((node) =>
        pollUntil(`replica on port ${node.endpoint.port} in sync`, left(), async () => {
          const info = infoFields(await adminCall(node.endpoint, ['INFO', 'replication']));
          return (
            info.get('master_link_status') === 'up' || `link ${info.get('master_link_status')}`
          );
        }),
      ),
    );
    // Every node must see every replica as one before a failover can be counted on, and list
    // it in CLUSTER SLOTS (what clients and `sess doctor` read): a node leaves out a replica
    // until gossip brings it the replica's replication offset, a moment after the link is up.
    await Promise.all(
      processes.map((node) =>
        pollUntil(`node on port ${node.endpoint.port} sees the replicas`, left(), async () => {
          const known = clusterNodes(await adminCall(node.endpoint, ['CLUSTER', 'NODES']));
          const seen = known.filter((entry) => entry.flags.includes('slave')).length;
          if (seen !== replicas.length) return `sees ${seen} replicas`;
          const ranges = await adminCall(node.endpoint, ['CLUSTER', 'SLOTS']);
          if (!Array.isArray(ranges)) return 'CLUSTER SLOTS: no array';
          // Each range: from, to, the master, then its replicas.
          const thin = ranges.filter(
            (range) => !Array.isArray(range) || range.length - 3 < replicasPerMaster,
          ).length;
          return thin === 0 || `CLUSTER SLOTS lists too few replicas for ${thin} ranges`;
        }),
      ),
    );
    if (options.audit !== true) return cluster;
    return new ClusterSet(
      await Promise.all(
        processes.map(
          async (node) => new LaunchedRedisServer(node, await CommandAudit.start(node.endpoint)),
        ),
      ),
      settings,
    );
  } catch (error) {
    await Promise.allSettled(processes.map((node) => node.stop()));
    throw error;
  }
}

/** How the cluster's nodes were started, for the nodes added later. */
interface ClusterSettings {
  readonly binary: string;
  readonly args: readonly string[];
  readonly masterCount: number;
  readonly audit: boolean;
  readonly startTimeout: number;
}

class ClusterSet implements RedisClusterSet, MigrationCluster {
  readonly rootNodes: ReadonlyArray<{ readonly url: string }>;
  readonly #nodes: RedisServer[];
  readonly #settings: ClusterSettings;

  constructor(nodes: readonly RedisServer[], settings: ClusterSettings) {
    this.#nodes = [...nodes];
    this.rootNodes = nodes.map((node) => ({ url: node.url }));
    this.#settings = settings;
  }

  get nodes(): readonly RedisServer[] {
    return [...this.#nodes];
  }

  async masters(): Promise<RedisServer[]> {
    const owners = await this.slotOwners();
    return [...new Set(owners.map((owner) => owner.server))];
  }

  async masterFor(key: string | number): Promise<RedisServer> {
    const slot = typeof key === 'number' ? key : keySlot(key);
    const owner = (await this.slotOwners()).find((range) => range.from <= slot && slot <= range.to);
    if (!owner) throw new Error(`no master serves slot ${slot}`);
    return owner.server;
  }

  async waitUntilHealthy(timeout = 30_000): Promise<void> {
    await pollUntil('cluster healthy', timeout, async () => {
      const running = this.#nodes.filter(answers);
      for (const node of running) {
        const info = infoFields(await adminCall(node, ['CLUSTER', 'INFO']));
        if (info.get('cluster_state') !== 'ok')
          return `port ${node.port}: cluster_state ${info.get('cluster_state')}`;
      }
      const owners = await this.slotOwners();
      const covered = owners.reduce((sum, range) => sum + range.to - range.from + 1, 0);
      if (covered !== SLOT_COUNT) return `${covered} of ${SLOT_COUNT} slots served`;
      const down = owners.find((range) => !answers(range.server));
      if (down) return `slots ${down.from}-${down.to} are served by a stopped or paused node`;
      if (new Set(owners.map((range) => range.server)).size < this.#settings.masterCount) {
        return 'fewer masters than the cluster started with';
      }
      return true;
    });
  }

  async addMaster(timeout = 30_000): Promise<RedisServer> {
    const { binary, args, audit } = this.#settings;
    const deadline = Date.now() + timeout;
    const left = (): number => Math.max(1_000, deadline - Date.now());
    const added = await RedisProcess.start({ binary, args, startTimeout: left() });
    try {
      const running = this.#nodes.filter(answers);
      const first = running[0];
      if (!first) throw new Error('addMaster(): no node of the cluster is running');
      const ids = await Promise.all(
        [added.endpoint, ...running].map(async (node) =>
          String(await adminCall(node, ['CLUSTER', 'MYID'])),
        ),
      );
      await adminCall(first, ['CLUSTER', 'MEET', added.endpoint.host, added.endpoint.port]);
      await Promise.all(
        [added.endpoint, ...running].map((node) =>
          pollUntil(`node on port ${node.port} knows the added master`, left(), async () => {
            const known = clusterNodes(await adminCall(node, ['CLUSTER', 'NODES']))
              .filter((entry) => !/handshake|noaddr/.test(entry.flags))
              .map((entry) => entry.id);
            const unknown = ids.filter((id) => !known.includes(id)).length;
            return unknown === 0 || `${unknown} of ${ids.length} nodes unknown to it`;
          }),
        ),
      );
      // Until it has the slot map from gossip, the node answers CLUSTERDOWN, also to MIGRATE.
      await pollUntil(`added master on port ${added.endpoint.port} is ok`, left(), async () => {
        const info = infoFields(await adminCall(added.endpoint, ['CLUSTER', 'INFO']));
        return info.get('cluster_state') === 'ok' || `cluster_state ${info.get('cluster_state')}`;
      });
      const server = new LaunchedRedisServer(
        added,
        audit ? await CommandAudit.start(added.endpoint) : undefined,
      );
      this.#nodes.push(server);
      return server;
    } catch (error) {
      await added.stop();
      throw error;
    }
  }

  beginSlotMigration(slots: number | readonly number[], to: RedisServer): Promise<SlotMigration> {
    return beginSlotMigration(this, slots, to);
  }

  audit(): Promise<AuditReport> {
    return mergedAudit(this.#nodes);
  }

  stop(): Promise<void> {
    return stopAll(this.#nodes);
  }

  /** `CLUSTER SLOTS` of a running node: each slot range and the node serving it. */
  async slotOwners(): Promise<Array<{ from: number; to: number; server: RedisServer }>> {
    let lastError: unknown = new Error('no cluster node is running');
    for (const node of this.#nodes) {
      if (!answers(node)) continue;
      try {
        const reply = await adminCall(node, ['CLUSTER', 'SLOTS']);
        if (!Array.isArray(reply)) throw new Error('CLUSTER SLOTS: no array');
        return reply.map((range) => {
          const [from, to, master] = range as RespValue[];
          const port = Number((master as RespValue[])[1]);
          const server = this.#nodes.find((candidate) => candidate.port === port);
          if (!server) throw new Error(`CLUSTER SLOTS names port ${port}, not in the cluster`);
          return { from: Number(from), to: Number(to), server };
        });
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }
}

/** Running and not paused: a command to it gets an answer. */
function answers(node: RedisServer): boolean {
  return node.pid !== undefined && !node.paused;
}

interface ClusterNodeEntry {
  readonly id: string;
  readonly flags: string;
}

function clusterNodes(reply: RespValue): ClusterNodeEntry[] {
  return String(reply)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', , flags = ''] = line.split(' ');
      return { id, flags };
    });
}
