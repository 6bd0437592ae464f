import type { SessError } from '@sess/core';
import { connectFailureKind } from './connect-failure.js';
import { asError } from './connect-within.js';
import type { NodeRedisCluster, NodeRedisNodeAddress } from './node-redis-client.js';
import { reconnectBackoff } from './reconnect-backoff.js';
import { startupFailure } from './startup-failure.js';
import type { StartupHints } from './startup-hints.js';
import type { StartupWatch } from './startup-watch.js';
import { TransportCheck } from './transport-check.js';
import type { ServerAddress } from './transport-probe.js';

const TARGET = 'the Redis Cluster';

/** Pause between two readings of the slot map while no root node answers. */
const rediscoveryDelay = reconnectBackoff(50, 1_000);

/**
 * The watch of a Cluster client while it opens. node-redis asks the root nodes one by one for
 * the slot map (one connection attempt each) and gives up when none answered; the port asks
 * again until `connectTimeout`, unless every root node failed in a way retrying cannot fix.
 * Then it connects to every master: an error there that retrying cannot fix is fatal at once,
 * except a host name that does not resolve (the Cluster announced it; its DNS record may yet
 * appear).
 */
export function clusterStartup(cluster: NodeRedisCluster, hints: StartupHints): StartupWatch {
  const roots = rootNodesOf(cluster);
  const transport = new TransportCheck(roots.tls, roots.servers, hints);
  let lastError: Error | undefined;
  /** The errors of the root nodes since `connect()` was last called. */
  let attemptErrors: Error[] = [];
  let fail: (error: SessError) => void = () => {};
  const onError = (error: unknown): void => {
    const seen = asError(error);
    lastError = seen;
    attemptErrors.push(seen);
    transport.seen(seen);
  };
  const onNodeError = (error: unknown, node: NodeRedisNodeAddress): void => {
    const seen = asError(error);
    const where = `the Cluster node ${node.host}:${node.port}`;
    lastError = new Error(`${where}: ${seen.message}`, { cause: seen });
    const kind = connectFailureKind(seen);
    if (kind !== undefined && kind !== 'host')
      fail(startupFailure(kind, seen, hints, 'data', where));
  };
  return {
    target: TARGET,
    get lastError() {
      return lastError;
    },
    silence: 'no node answered within that time',
    start(onFail) {
      fail = onFail;
      cluster.on('error', onError);
      cluster.on('node-error', onNodeError);
      transport.start(onFail);
    },
    stop() {
      cluster.off('error', onError);
      cluster.off('node-error', onNodeError);
      transport.stop();
    },
    rejected(error, attempt) {
      const seen = attemptErrors.length > 0 ? attemptErrors : [error];
      attemptErrors = [];
      const first = seen[0] as Error;
      const kind = connectFailureKind(first);
      if (kind !== undefined && seen.every((each) => connectFailureKind(each) !== undefined)) {
        const where = roots.servers.length > 1 ? 'every root node' : undefined;
        return startupFailure(kind, first, hints, 'data', where);
      }
      return rediscoveryDelay(attempt);
    },
    verify: () => Promise.resolve(undefined),
  };
}

/** The root nodes a Cluster client was created with, and whether they are reached over TLS. */
function rootNodesOf(cluster: NodeRedisCluster): {
  servers: ServerAddress[];
  tls: boolean;
} {
  const options = cluster._options;
  const defaultTls = (options?.defaults?.socket as { tls?: unknown } | undefined)?.tls === true;
  const servers: ServerAddress[] = [];
  let tls = true;
  for (const node of options?.rootNodes ?? []) {
    if (node.url !== undefined) {
      // node-redis itself reports a URL it cannot read; there is nothing to probe then.
      const url = URL.canParse(node.url) ? new URL(node.url) : undefined;
      if (url === undefined) return { servers: [], tls: false };
      servers.push({
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? 6379 : Number(url.port),
      });
      tls &&= url.protocol === 'rediss:';
    } else {
      const socket = (node.socket ?? {}) as { host?: string; port?: number; tls?: unknown };
      servers.push({ host: socket.host ?? 'localhost', port: socket.port ?? 6379 });
      tls &&= (socket.tls ?? defaultTls) === true;
    }
  }
  return { servers, tls: servers.length > 0 && tls };
}
