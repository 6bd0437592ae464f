import { SessError } from '@sess/core';
import { createClient, createCluster, createSentinel } from 'redis';
import type { ResolvedCacheOptions } from './cache-options.js';
import { clientKind } from './client-kind.js';
import { clientTarget } from './client-target.js';
import { ClusterLink } from './cluster-link.js';
import { ClusterTracking } from './cluster-tracking.js';
import type { ConnectionLink } from './connection-link.js';
import { nodeListOf, type SentinelAccess } from './node-list.js';
import type {
  NodeRedisAnyClient,
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisSentinel,
} from './node-redis-client.js';
import { type CacheSettings, type NodeRedisPort, openNodeRedisPort } from './node-redis-port.js';
import {
  type NodeRedisPortOptions,
  type NodeRedisTls,
  type ResolvedPortOptions,
  resolvePortOptions,
} from './port-options.js';
import { reconnectBackoff } from './reconnect-backoff.js';
import { SentinelLink } from './sentinel-link.js';
import { sentinelTarget } from './sentinel-target.js';
import { StandaloneLink } from './standalone-link.js';
import { startupHints } from './startup-hints.js';
import { SingleTracking } from './tracking-topology.js';

/**
 * A RedisPort on node-redis 6: one standalone server (`url`), a master found through Redis
 * Sentinel (`sentinel`), a Redis Cluster (`cluster`), or a client of yours (`client`).
 * Resolves once the client is connected. Fails with:
 *
 * - `SessError('INVALID_OPTION')`, whose message starts with the option to fix: an option that
 *   is wrong in itself, or, at once, a connection failure retrying cannot fix (credentials
 *   refused or missing, a database number out of range, a host name that does not resolve,
 *   TLS on one side only, a certificate not accepted). Those say the configuration is wrong,
 *   not that Redis is away, so waiting for `connectTimeout` would change nothing; the server's
 *   or the system's own words end the message, and its `cause` is the original error.
 * - `SessError('UNAVAILABLE')` when no connection is ready within `connectTimeout` while the
 *   attempts failed in ways a server may yet fix (none listening yet, refused, reset, timed
 *   out, still loading): the message says what the last attempt ended with.
 *
 * A client it created is then destroyed; so is a client you passed unopened, returning it to
 * "not open". Once open, a dropped connection is reconnected for ever, whatever the server
 * answers.
 *
 * ```ts
 * const port = await createNodeRedisPort({ url: 'redis://localhost:6379' });
 * const port = await createNodeRedisPort({
 *   sentinel: { name: 'mymaster', nodes: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }] },
 * });
 * const port = await createNodeRedisPort({ cluster: { rootNodes: ['redis://n1:6379', 'redis://n2:6379'] } });
 * // or, on a client of yours (RESP2):
 * const port = await createNodeRedisPort({ client: createClient({ RESP: 2 }) });
 * ```
 */
export async function createNodeRedisPort(options?: NodeRedisPortOptions): Promise<NodeRedisPort> {
  const resolved = resolvePortOptions(options);
  const given = resolved.client;
  if (resolved.cache !== undefined && given !== undefined && clientKind(given) === 'sentinel') {
    throw new SessError(
      'INVALID_OPTION',
      'cache: not available on a Sentinel client of yours (the port cannot open the connection invalidations need with its options): pass `sentinel` options and let the port create the client',
    );
  }
  const link = given === undefined ? ownLink(resolved) : linkOf(given);
  const port = await openNodeRedisPort(link, {
    owned: given === undefined,
    blocking: false,
    onError: resolved.onError,
    connectTimeout: resolved.connectTimeout,
    hints: startupHints(resolved),
    // An open client may be reconnecting: its calls fail fast until it is back.
    connect: !link.client.isOpen,
    nodes: nodeListOf(sentinelAccess(resolved)),
    ...(resolved.cache === undefined
      ? {}
      : { cache: cacheSettings(resolved.cache, resolved, link) }),
  });
  if (given !== undefined && link.topology === 'sentinel') await assertResp2(port);
  return port;
}

/** Where tracking goes for the cache, on each topology. */
function cacheSettings(
  cache: ResolvedCacheOptions,
  options: ResolvedPortOptions,
  link: ConnectionLink,
): CacheSettings {
  const { minDelay, maxDelay } = options.reconnect;
  return {
    options: cache,
    backoff: reconnectBackoff(minDelay, maxDelay),
    topology: (track) => {
      switch (link.topology) {
        case 'cluster':
          return new ClusterTracking(link.client as NodeRedisCluster, track);
        case 'sentinel':
          return new SingleTracking(
            sentinelTarget(link.client as NodeRedisSentinel, sentinelNodeOptions(options)),
            track,
          );
        default:
          return new SingleTracking(clientTarget(link.client as NodeRedisClient), track);
      }
    },
  };
}

function linkOf(client: NodeRedisAnyClient): ConnectionLink {
  switch (clientKind(client)) {
    case 'cluster':
      return new ClusterLink(client as NodeRedisCluster);
    case 'sentinel':
      return new SentinelLink(client as NodeRedisSentinel);
    default:
      return new StandaloneLink(client as NodeRedisClient);
  }
}

function ownLink(options: ResolvedPortOptions): ConnectionLink {
  try {
    if (options.cluster) return new ClusterLink(ownCluster(options));
    if (options.sentinel) return new SentinelLink(ownSentinel(options));
    return new StandaloneLink(ownClient(options));
  } catch (error) {
    if (error instanceof SessError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SessError('INVALID_OPTION', `clientOptions: node-redis refused them: ${message}`, {
      cause: error,
    });
  }
}

/**
 * What the port sets on every connection it opens. RESP2: HGETALL, XREAD and friends answer
 * flat arrays, the shapes the core reads. No offline queue: fail fast while reconnecting, the
 * core's deadline is no substitute for a queue that holds commands for the whole outage.
 */
function connectionOptions(
  options: ResolvedPortOptions,
  tls: NodeRedisTls | undefined,
  maxReconnectDelay = options.reconnect.maxDelay,
) {
  const { clientOptions, connectTimeout, reconnect, maxQueueLength } = options;
  return {
    ...clientOptions,
    disableOfflineQueue: true,
    commandsQueueMaxLength: maxQueueLength,
    socket: {
      ...clientOptions.socket,
      ...tlsSocket(tls),
      connectTimeout,
      reconnectStrategy: reconnectBackoff(reconnect.minDelay, maxReconnectDelay),
    },
  };
}

function ownClient(options: ResolvedPortOptions): NodeRedisClient {
  return createClient({
    ...connectionOptions(options, undefined),
    ...(options.url === undefined ? {} : { url: options.url }),
    RESP: 2,
  } as Parameters<typeof createClient>[0]) as unknown as NodeRedisClient;
}

function ownCluster(options: ResolvedPortOptions): NodeRedisCluster {
  const cluster = options.cluster;
  if (!cluster) throw new Error('no cluster options');
  const credentials = {
    ...(cluster.username === undefined ? {} : { username: cluster.username }),
    ...(cluster.password === undefined ? {} : { password: cluster.password }),
  };
  return createCluster({
    rootNodes: cluster.rootNodes.map((node) =>
      typeof node === 'string'
        ? { url: node }
        : 'url' in node
          ? { url: node.url }
          : { socket: { host: node.host, port: node.port } },
    ),
    // The slot map is read again only on a reconnect attempt: attempts at most `refreshAfter`
    // apart find the replica that took over a dead master soon after its promotion.
    defaults: {
      ...connectionOptions(
        options,
        cluster.tls,
        Math.max(
          options.reconnect.minDelay,
          Math.min(options.reconnect.maxDelay, cluster.refreshAfter),
        ),
      ),
      ...credentials,
    },
    RESP: 2,
    topologyRefreshOnReconnectionAttemptStrategy: cluster.refreshAfter,
  } as Parameters<typeof createCluster>[0]) as unknown as NodeRedisCluster;
}

function ownSentinel(options: ResolvedPortOptions): NodeRedisSentinel {
  const sentinel = options.sentinel;
  if (!sentinel) throw new Error('no sentinel options');
  return createSentinel({
    name: sentinel.name,
    sentinelRootNodes: sentinel.nodes.map(({ host, port }) => ({ host, port })),
    RESP: 2,
    nodeClientOptions: sentinelNodeOptions(options),
    sentinelClientOptions: sentinelClientOptions(sentinel, options.connectTimeout),
    // Errors of the connections to the master and replicas reach `onError` too.
    passthroughClientErrorEvents: true,
    // One connection of the pool kept for the port's calls: without it, node-redis leases a
    // connection per call and calls sent in the same tick (a batch) wait for each other.
    reserveClient: true,
  } as Parameters<typeof createSentinel>[0]) as unknown as NodeRedisSentinel;
}

/** The options of the connections to the master and replicas of a Sentinel set. */
function sentinelNodeOptions(options: ResolvedPortOptions) {
  const sentinel = options.sentinel;
  if (!sentinel) throw new Error('no sentinel options');
  return {
    ...connectionOptions(options, sentinel.tls),
    ...(sentinel.username === undefined ? {} : { username: sentinel.username }),
    ...(sentinel.password === undefined ? {} : { password: sentinel.password }),
  };
}

function sentinelClientOptions(
  sentinel: NonNullable<ResolvedPortOptions['sentinel']>,
  connectTimeout: number,
) {
  return {
    ...(sentinel.sentinelUsername === undefined ? {} : { username: sentinel.sentinelUsername }),
    ...(sentinel.sentinelPassword === undefined ? {} : { password: sentinel.sentinelPassword }),
    socket: { ...tlsSocket(sentinel.tls), connectTimeout },
  };
}

function sentinelAccess(options: ResolvedPortOptions): SentinelAccess | undefined {
  const sentinel = options.sentinel;
  if (!sentinel) return undefined;
  return {
    nodes: sentinel.nodes,
    clientOptions: sentinelClientOptions(sentinel, options.connectTimeout),
    connectTimeout: options.connectTimeout,
  };
}

function tlsSocket(tls: NodeRedisTls | undefined): object {
  if (tls === undefined || tls === false) return {};
  return tls === true ? { tls: true } : { ...tls, tls: true };
}

/**
 * A Sentinel client does not tell its RESP version; `HELLO` without arguments does, without
 * changing anything: a flat array in RESP2, a map in RESP3. A server that does not know
 * `HELLO` is given the benefit of the doubt.
 */
async function assertResp2(port: NodeRedisPort): Promise<void> {
  const reply = await port
    .send({ command: 'HELLO', keys: [], args: [] }, { signal: AbortSignal.timeout(2_000) })
    .catch(() => []);
  if (Array.isArray(reply)) return;
  await port.close();
  throw new SessError(
    'INVALID_OPTION',
    'client: sess needs RESP2 connections: create it with createSentinel({ RESP: 2, ... })',
  );
}
