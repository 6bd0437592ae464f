import type { CallOptions, CommandCall, RedisReply } from '@sess/core/port';
import { createClient } from 'redis';
import { connectWithin } from './connect-within.js';
import type { ConnectionLink } from './connection-link.js';
import type {
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisClusterNode,
  NodeRedisSentinel,
} from './node-redis-client.js';
import type { NodeRedisNode } from './node-redis-node.js';
import { toPortError } from './port-errors.js';
import type { NodeRedisAddress } from './port-options.js';
import { COMMAND_OPTIONS, sendCommand } from './send-command.js';
import { untilAborted } from './until-aborted.js';

/** How to reach the Sentinels of a port the port created (their addresses and credentials). */
export interface SentinelAccess {
  readonly nodes: readonly NodeRedisAddress[];
  readonly clientOptions: object;
  readonly connectTimeout: number;
}

/** `port.nodes()` for each topology. */
export function nodeListOf(
  sentinels: SentinelAccess | undefined,
): (link: ConnectionLink) => Promise<NodeRedisNode[]> {
  return async (link) => {
    switch (link.topology) {
      case 'cluster':
        return clusterNodes(link.client as NodeRedisCluster);
      case 'sentinel':
        return sentinelNodes(link.client as NodeRedisSentinel, sentinels);
      default:
        return [standaloneNode(link.client as NodeRedisClient)];
    }
  };
}

function standaloneNode(client: NodeRedisClient): NodeRedisNode {
  const socket = client.options?.socket as { host?: string; port?: number } | undefined;
  const address = `${socket?.host ?? 'localhost'}:${socket?.port ?? 6379}`;
  return node(address, 'master', (args) => sendCommand(client, args));
}

/**
 * Every master (through the Cluster client's own connections) and every replica (read from
 * `CLUSTER SLOTS`, reached on a short-lived connection: the client keeps none to replicas).
 */
async function clusterNodes(cluster: NodeRedisCluster): Promise<NodeRedisNode[]> {
  const masters = cluster.masters.map((entry: NodeRedisClusterNode) =>
    node(entry.address, 'master', async (args) =>
      sendCommand(await cluster.nodeClient(entry), args),
    ),
  );
  const first = cluster.masters[0];
  if (!first) return masters;
  const slots = await sendCommand(await cluster.nodeClient(first), ['CLUSTER', 'SLOTS']);
  const replicas = new Map<string, { host: string; port: number }>();
  for (const range of Array.isArray(slots) ? slots : []) {
    for (const replica of (range as unknown[]).slice(3)) {
      const [host, port] = replica as [string, number];
      replicas.set(`${host}:${port}`, { host, port: Number(port) });
    }
  }
  const options = { ...cluster._options?.defaults, socket: cluster._options?.defaults?.socket };
  const access = { clientOptions: options, connectTimeout: 5_000 };
  return [
    ...masters,
    ...[...replicas].map(([address, { host, port }]) =>
      node(address, 'replica', (args) => oneShot(host, port, access, args)),
    ),
  ];
}

function sentinelNodes(
  sentinel: NodeRedisSentinel,
  access: SentinelAccess | undefined,
): NodeRedisNode[] {
  const nodes: NodeRedisNode[] = [];
  const master = sentinel.getMasterNode();
  if (master) {
    nodes.push(
      node(`${master.host}:${master.port}`, 'master', (args) =>
        sentinel.sendCommand(false, [...args], COMMAND_OPTIONS),
      ),
    );
  }
  const known =
    access?.nodes ?? [sentinel.getSentinelNode()].filter((entry) => entry !== undefined);
  for (const { host, port } of known) {
    nodes.push(node(`${host}:${port}`, 'sentinel', (args) => oneShot(host, port, access, args)));
  }
  return nodes;
}

/** One command on a short-lived connection of its own, to a server the client keeps none to. */
async function oneShot(
  host: string,
  port: number,
  access: Pick<SentinelAccess, 'clientOptions' | 'connectTimeout'> | undefined,
  args: readonly string[],
): Promise<unknown> {
  const options = (access?.clientOptions ?? {}) as { socket?: object };
  const client = createClient({
    ...options,
    RESP: 2,
    socket: { ...options.socket, host, port, reconnectStrategy: false },
  } as Parameters<typeof createClient>[0]) as unknown as NodeRedisClient;
  client.on('error', () => {});
  try {
    await connectWithin(client, access?.connectTimeout ?? 5_000);
    return await sendCommand(client, args);
  } finally {
    client.destroy();
  }
}

function node(
  address: string,
  role: NodeRedisNode['role'],
  send: (args: readonly string[]) => Promise<unknown>,
): NodeRedisNode {
  return {
    address,
    role,
    async send(call: CommandCall, options?: CallOptions): Promise<RedisReply> {
      const signal = options?.signal;
      try {
        return (await untilAborted(
          send([call.command, ...call.args.map(String)]),
          signal,
        )) as RedisReply;
      } catch (error) {
        throw toPortError(error, signal);
      }
    },
  };
}
