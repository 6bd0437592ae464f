import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { SessError } from '@sess/core';
import { checkInteger, checkOptionKeys, optionNames } from '@sess/core/internal';
import type { AnyRedisClientOptions } from 'redis';
import {
  type NodeRedisCacheOptions,
  type ResolvedCacheOptions,
  resolveCacheOptions,
} from './cache-options.js';
import { clientKind } from './client-kind.js';
import { rateLimitedWarning } from './default-error-hook.js';
import type { NodeRedisAnyClient, NodeRedisClient, NodeRedisCluster } from './node-redis-client.js';

/**
 * node-redis client options the port passes on to every connection it opens. It sets `RESP`,
 * `url`, `disableOfflineQueue` and `commandsQueueMaxLength` itself.
 */
export type NodeRedisClientOptions = Omit<
  AnyRedisClientOptions,
  'RESP' | 'url' | 'disableOfflineQueue' | 'commandsQueueMaxLength'
>;

export interface NodeRedisReconnectOptions {
  /**
   * Delay before the first reconnect attempt (ms). Each failed attempt doubles the ceiling;
   * the actual delay is drawn at random between `minDelay` and that ceiling.
   * @default 50
   */
  minDelay?: number;
  /**
   * Largest delay between two reconnect attempts (ms). Attempts never stop.
   * @default 2_000
   */
  maxDelay?: number;
}

/** `host` and `port` of a server. */
export interface NodeRedisAddress {
  host: string;
  port: number;
}

/** TLS for every connection: `true`, or the options of Node's `tls.connect()`. */
export type NodeRedisTls = boolean | TlsOptions;

/** A master found through Redis Sentinel. */
export interface NodeRedisSentinelOptions {
  /** The name the Sentinels monitor the master under (`sentinel monitor <name> ...`). */
  name: string;
  /** Some of the Sentinels (three is plenty); the client learns the others from them. */
  nodes: readonly NodeRedisAddress[];
  /**
   * ACL user for the master and the replicas.
   * @default undefined (the `default` user)
   */
  username?: string;
  /**
   * Password for the master and the replicas.
   * @default undefined (no AUTH)
   */
  password?: string;
  /**
   * ACL user for the Sentinels, when they require one.
   * @default undefined
   */
  sentinelUsername?: string;
  /**
   * Password for the Sentinels, when they require one (`requirepass` in sentinel.conf).
   * @default undefined
   */
  sentinelPassword?: string;
  /**
   * TLS to the Sentinels, the master and the replicas.
   * @default false
   */
  tls?: NodeRedisTls;
}

/** A Redis Cluster. */
export interface NodeRedisClusterOptions {
  /**
   * Some of the nodes (three is plenty): `redis://host:port` URLs, `{ url }` or
   * `{ host, port }`. The client reads the slot map from the first that answers.
   */
  rootNodes: ReadonlyArray<string | { url: string } | NodeRedisAddress>;
  /**
   * ACL user for every node.
   * @default undefined (the `default` user)
   */
  username?: string;
  /**
   * Password for every node.
   * @default undefined (no AUTH)
   */
  password?: string;
  /**
   * TLS to every node.
   * @default false
   */
  tls?: NodeRedisTls;
  /**
   * When a node's connection dropped, how long (ms) the client keeps reconnecting to it
   * before it reads the slot map again to find the replica that took over (and again at
   * least this often while the node stays down: reconnect attempts to a Cluster node are at
   * most this far apart). node-redis' own default is 5 s.
   * @default 1_000
   */
  refreshAfter?: number;
}

export interface NodeRedisPortOptions {
  /**
   * A client you created with node-redis: `createClient({ RESP: 2, ... })`,
   * `createSentinel({ RESP: 2, ... })` or `createCluster({ RESP: 2, ... })`. The port opens it
   * if it is not open yet and never closes it; its reconnect and queue settings stay yours
   * (the port still fails fast while it is not ready). Cannot be combined with `url`,
   * `sentinel`, `cluster`, `clientOptions`, `reconnect` or `maxQueueLength`.
   * @default undefined (the port creates and owns its client)
   */
  client?: NodeRedisAnyClient;
  /**
   * One standalone server: `redis[s]://[[username][:password]@][host][:port][/db-number]`.
   * @default undefined (node-redis' default, `redis://localhost:6379`, unless `sentinel`, `cluster` or `clientOptions.socket` says otherwise)
   */
  url?: string;
  /**
   * A master found through Redis Sentinel: the port follows it across failovers.
   * @default undefined
   */
  sentinel?: NodeRedisSentinelOptions;
  /**
   * A Redis Cluster: each call goes to the master of its first key's slot.
   * @default undefined
   */
  cluster?: NodeRedisClusterOptions;
  /**
   * Further node-redis client options for every connection the port opens (credentials,
   * `database`, `name`, `pingInterval`, socket settings such as `socketTimeout`, ...). The port
   * sets `RESP: 2`, `disableOfflineQueue: true`, `commandsQueueMaxLength` (from
   * `maxQueueLength`), `socket.connectTimeout` (from `connectTimeout`) and
   * `socket.reconnectStrategy` (from `reconnect`) itself; setting those here is an error.
   * @default {}
   */
  clientOptions?: NodeRedisClientOptions;
  /**
   * Receives every `error` event of the clients the port uses: a dropped connection, each
   * failed reconnect attempt. The port always listens, so these never crash the process.
   * @default a console warning at most once per 30 s, with the count of the errors left out
   */
  onError?: (error: Error) => void;
  /**
   * How long one connection attempt may take (ms), and how long `createNodeRedisPort` and
   * `dedicated()` wait for the first connection before failing with `UNAVAILABLE`.
   * @default 5_000
   */
  connectTimeout?: number;
  /**
   * Reconnect backoff of the connections the port opens: capped exponential with jitter. It
   * never gives up, also not after a socket timeout (node-redis' default closes the client for
   * good then).
   * @default { minDelay: 50, maxDelay: 2_000 }
   */
  reconnect?: NodeRedisReconnectOptions;
  /**
   * Commands one connection may hold, written and waiting for their answer or not written yet
   * (a paused server answers nothing, and requests keep coming). Past it a call fails at once
   * with `UNAVAILABLE` instead of piling up memory.
   * @default 10_000
   */
  maxQueueLength?: number;
  /**
   * A local cache of session reads that Redis invalidates (client-side caching with `CLIENT
   * TRACKING`): a session this instance read and nobody changed since is read again without a
   * round trip. `true` for the defaults. Costs one more connection per master.
   * @default undefined (no cache: every read goes to Redis)
   */
  cache?: boolean | NodeRedisCacheOptions;
}

export interface ResolvedPortOptions {
  readonly client: NodeRedisAnyClient | undefined;
  readonly url: string | undefined;
  readonly sentinel: NodeRedisSentinelOptions | undefined;
  readonly cluster: (NodeRedisClusterOptions & { refreshAfter: number }) | undefined;
  readonly clientOptions: NodeRedisClientOptions;
  readonly onError: (error: Error) => void;
  readonly connectTimeout: number;
  readonly reconnect: Required<NodeRedisReconnectOptions>;
  readonly maxQueueLength: number;
  readonly cache: ResolvedCacheOptions | undefined;
}

/** The options the port itself sets on a client it creates; `clientOptions` may not. */
const RESERVED_CLIENT_OPTIONS: Record<string, string> = {
  RESP: 'the port sets it',
  url: 'use the `url` option',
  disableOfflineQueue: 'the port sets it',
  commandsQueueMaxLength: 'use the `maxQueueLength` option',
};
const RESERVED_SOCKET_OPTIONS = {
  connectTimeout: 'connectTimeout',
  reconnectStrategy: 'reconnect',
};

const PORT_OPTION_NAMES = optionNames<NodeRedisPortOptions>({
  client: true,
  url: true,
  sentinel: true,
  cluster: true,
  clientOptions: true,
  onError: true,
  connectTimeout: true,
  reconnect: true,
  maxQueueLength: true,
  cache: true,
});

const SENTINEL_OPTION_NAMES = optionNames<NodeRedisSentinelOptions>({
  name: true,
  nodes: true,
  username: true,
  password: true,
  sentinelUsername: true,
  sentinelPassword: true,
  tls: true,
});

const CLUSTER_OPTION_NAMES = optionNames<NodeRedisClusterOptions>({
  rootNodes: true,
  username: true,
  password: true,
  tls: true,
  refreshAfter: true,
});

const RECONNECT_OPTION_NAMES = optionNames<NodeRedisReconnectOptions>({
  minDelay: true,
  maxDelay: true,
});

const DEFAULTS = {
  connectTimeout: 5_000,
  minDelay: 50,
  maxDelay: 2_000,
  maxQueueLength: 10_000,
  refreshAfter: 1_000,
} as const;

function clientOption(name: string): string {
  return `a node-redis client option: give it in \`clientOptions: { ${name} }\` (credentials and the database also fit in \`url\`)`;
}

/** node-redis and ioredis names given where the port takes its own. */
const PORT_OPTIONS_INSTEAD: Readonly<Record<string, string>> = {
  host: "use `url: 'redis://host:port'`",
  port: "use `url: 'redis://host:port'`",
  username: clientOption('username'),
  password: clientOption('password'),
  database: clientOption('database'),
  db: clientOption('database'),
  name: clientOption('name'),
  pingInterval: clientOption('pingInterval'),
  socket: clientOption('socket'),
  tls: 'use a `rediss://` url, or `clientOptions: { socket: { tls: true } }`',
  RESP: 'nothing to set: the port always speaks RESP2',
  disableOfflineQueue: 'nothing to set: the port fails a call at once while it is not connected',
  enableOfflineQueue: 'nothing to set: the port fails a call at once while it is not connected',
  commandsQueueMaxLength: 'use `maxQueueLength`',
  rootNodes: 'an option of `cluster`: `cluster: { rootNodes }`',
  sentinelRootNodes: 'use `sentinel: { name, nodes }`',
  sentinels: 'use `sentinel: { name, nodes }`',
  retryStrategy: 'use `reconnect: { minDelay, maxDelay }`',
  reconnectStrategy: 'use `reconnect: { minDelay, maxDelay }`',
  maxRetriesPerRequest:
    "nothing to set: a call fails with UNAVAILABLE at the store's deadline (`operationTimeout`) and is not retried",
  commandTimeout:
    "the deadline of a call is the store's `operationTimeout`: `createSessionStore({ port, operationTimeout })`",
  lazyConnect: 'nothing to set: `createNodeRedisPort` connects before it resolves',
  minDelay: 'an option of `reconnect`: `reconnect: { minDelay }`',
  maxDelay: 'an option of `reconnect`: `reconnect: { maxDelay }`',
  refreshAfter: 'an option of `cluster`: `cluster: { rootNodes, refreshAfter }`',
};

const SENTINEL_OPTIONS_INSTEAD: Readonly<Record<string, string>> = {
  sentinelRootNodes: 'use `nodes: [{ host, port }, ...]`',
  sentinels: 'use `nodes: [{ host, port }, ...]`',
  masterName: 'use `name`',
  nodeClientOptions:
    "use `username`, `password` and `tls` here, and the port's `clientOptions` for the rest",
  sentinelClientOptions: 'use `sentinelUsername`, `sentinelPassword` and `tls` here',
};

const CLUSTER_OPTIONS_INSTEAD: Readonly<Record<string, string>> = {
  defaults:
    "use `username`, `password` and `tls` here, and the port's `clientOptions` for the rest",
  nodes: 'use `rootNodes`',
  useReplicas: 'not supported: every call goes to the master of its slot',
};

export function resolvePortOptions(options: NodeRedisPortOptions | undefined): ResolvedPortOptions {
  const given = options ?? {};
  if (given === null || typeof given !== 'object') invalid('options', 'expected an object');
  checkOptionKeys(given, { known: PORT_OPTION_NAMES, instead: PORT_OPTIONS_INSTEAD });
  const resolved: ResolvedPortOptions = {
    client: given.client,
    url: given.url,
    sentinel: given.sentinel,
    cluster:
      given.cluster === undefined
        ? undefined
        : { ...given.cluster, refreshAfter: given.cluster?.refreshAfter ?? DEFAULTS.refreshAfter },
    clientOptions: given.clientOptions ?? {},
    onError: given.onError ?? rateLimitedWarning(),
    connectTimeout: given.connectTimeout ?? DEFAULTS.connectTimeout,
    reconnect: {
      minDelay: given.reconnect?.minDelay ?? DEFAULTS.minDelay,
      maxDelay: given.reconnect?.maxDelay ?? DEFAULTS.maxDelay,
    },
    maxQueueLength: given.maxQueueLength ?? DEFAULTS.maxQueueLength,
    cache: resolveCacheOptions(given.cache),
  };
  if (resolved.client !== undefined) validateClient(resolved.client, given);
  const targets = (['url', 'sentinel', 'cluster'] as const).filter(
    (name) => given[name] !== undefined,
  );
  if (targets.length > 1) {
    invalid(targets[1] as string, `cannot be combined with \`${targets[0]}\`: choose one`);
  }
  if (resolved.url !== undefined && !isRedisUrl(resolved.url)) {
    invalid('url', `expected a redis://, rediss:// or unix:// URL, got ${String(resolved.url)}`);
  }
  if (given.sentinel !== undefined) validateSentinel(given.sentinel);
  if (given.cluster !== undefined) validateCluster(given.cluster);
  validateClientOptions(resolved.clientOptions);
  if (typeof resolved.onError !== 'function') invalid('onError', 'expected a function');
  checkInteger(
    { name: 'connectTimeout', unit: 'ms', min: 1, default: DEFAULTS.connectTimeout },
    resolved.connectTimeout,
  );
  if (given.reconnect !== undefined) {
    if (given.reconnect === null || typeof given.reconnect !== 'object') {
      invalid('reconnect', 'expected { minDelay?, maxDelay? }');
    }
    checkOptionKeys(given.reconnect, { path: 'reconnect', known: RECONNECT_OPTION_NAMES });
  }
  checkInteger(
    { name: 'reconnect.minDelay', unit: 'ms', min: 1, default: DEFAULTS.minDelay },
    resolved.reconnect.minDelay,
  );
  checkInteger(
    { name: 'reconnect.maxDelay', unit: 'ms', min: 1, default: DEFAULTS.maxDelay },
    resolved.reconnect.maxDelay,
  );
  const { minDelay, maxDelay } = resolved.reconnect;
  if (maxDelay < minDelay) {
    // Name the delay that was set: with one left at its default, it is the other one.
    if (given.reconnect?.maxDelay === undefined) {
      invalid(
        'reconnect.minDelay',
        `${minDelay} ms is longer than reconnect.maxDelay (${maxDelay} ms, its default). Times are in milliseconds (default ${DEFAULTS.minDelay} ms)`,
      );
    }
    const other = given.reconnect?.minDelay === undefined ? 'its default' : 'also set';
    invalid(
      'reconnect.maxDelay',
      `${maxDelay} ms is shorter than reconnect.minDelay (${minDelay} ms, ${other}). Times are in milliseconds (default ${DEFAULTS.maxDelay} ms, 2 seconds)`,
    );
  }
  checkInteger(
    { name: 'maxQueueLength', unit: 'commands', min: 1, default: DEFAULTS.maxQueueLength },
    resolved.maxQueueLength,
  );
  return resolved;
}

function validateClient(client: NodeRedisAnyClient, given: NodeRedisPortOptions): void {
  for (const name of [
    'url',
    'sentinel',
    'cluster',
    'clientOptions',
    'reconnect',
    'maxQueueLength',
  ] as const) {
    if (given[name] !== undefined) {
      invalid(name, 'configures a client the port creates; with `client`, configure your client');
    }
  }
  if (
    client === null ||
    typeof client !== 'object' ||
    typeof client.sendCommand !== 'function' ||
    typeof client.duplicate !== 'function' ||
    typeof client.connect !== 'function'
  ) {
    invalid(
      'client',
      'expected a node-redis client from createClient(), createSentinel() or createCluster() (not a pool)',
    );
  }
  const kind = clientKind(client);
  // RESP3 changes reply shapes (maps, doubles, nested pairs) in ways sess cannot undo. A
  // Sentinel client does not tell its RESP version: the port asks the server once it is open.
  if (kind === 'standalone') {
    const standalone = client as NodeRedisClient;
    if (standalone.options?.RESP !== 2) {
      invalid(
        'client',
        'sess needs a RESP2 connection: create it with createClient({ RESP: 2, ... })',
      );
    }
    assertReconnectsAfterTimeout(standalone.options?.socket, 'socket');
  }
  if (kind === 'cluster') {
    const options = (client as NodeRedisCluster)._options;
    if (options?.RESP !== 2) {
      invalid(
        'client',
        'sess needs RESP2 connections: create it with createCluster({ RESP: 2, ... })',
      );
    }
    assertReconnectsAfterTimeout(options?.defaults?.socket, 'defaults.socket');
  }
}

/**
 * node-redis' default reconnect strategy gives up on a socket timeout: the client is closed
 * for good and every later call fails. A session store must come back with Redis.
 */
function assertReconnectsAfterTimeout(socket: object | undefined, where: string): void {
  const options = socket as { socketTimeout?: unknown; reconnectStrategy?: unknown } | undefined;
  if (options?.socketTimeout !== undefined && options.reconnectStrategy === undefined) {
    invalid(
      'client',
      `${where}.socketTimeout is set without ${where}.reconnectStrategy: node-redis' default strategy closes the client for good on the first socket timeout. Give it a reconnectStrategy that returns a delay, or let the port create the client.`,
    );
  }
}

function validateSentinel(sentinel: NodeRedisSentinelOptions): void {
  if (sentinel === null || typeof sentinel !== 'object') {
    invalid('sentinel', 'expected { name, nodes: [{ host, port }, ...] }');
  }
  checkOptionKeys(sentinel, {
    path: 'sentinel',
    known: SENTINEL_OPTION_NAMES,
    instead: SENTINEL_OPTIONS_INSTEAD,
  });
  if (typeof sentinel.name !== 'string' || sentinel.name === '') {
    invalid('sentinel.name', 'expected the master name the Sentinels monitor');
  }
  if (!Array.isArray(sentinel.nodes) || sentinel.nodes.length === 0) {
    invalid('sentinel.nodes', 'expected at least one { host, port } of a Sentinel');
  }
  sentinel.nodes.forEach((node, i) => {
    validateAddress(`sentinel.nodes[${i}]`, node);
  });
}

function validateCluster(cluster: NodeRedisClusterOptions): void {
  if (cluster === null || typeof cluster !== 'object') {
    invalid('cluster', 'expected { rootNodes: [...] }');
  }
  checkOptionKeys(cluster, {
    path: 'cluster',
    known: CLUSTER_OPTION_NAMES,
    instead: CLUSTER_OPTIONS_INSTEAD,
  });
  if (!Array.isArray(cluster.rootNodes) || cluster.rootNodes.length === 0) {
    invalid('cluster.rootNodes', 'expected at least one node: a URL, { url } or { host, port }');
  }
  cluster.rootNodes.forEach((node, i) => {
    const name = `cluster.rootNodes[${i}]`;
    if (typeof node === 'string' || (typeof node === 'object' && node !== null && 'url' in node)) {
      const url = typeof node === 'string' ? node : node.url;
      if (!isRedisUrl(url) || url.startsWith('unix:')) {
        invalid(name, `expected a redis:// or rediss:// URL, got ${String(url)}`);
      }
      return;
    }
    validateAddress(name, node);
  });
  if (cluster.refreshAfter !== undefined) {
    checkInteger(
      { name: 'cluster.refreshAfter', unit: 'ms', min: 1, default: DEFAULTS.refreshAfter },
      cluster.refreshAfter,
    );
  }
}

function validateAddress(name: string, node: unknown): void {
  const address = node as Partial<NodeRedisAddress> | null;
  if (
    address === null ||
    typeof address !== 'object' ||
    typeof address.host !== 'string' ||
    address.host === '' ||
    typeof address.port !== 'number' ||
    !Number.isInteger(address.port) ||
    address.port < 1 ||
    address.port > 65_535
  ) {
    invalid(name, 'expected { host, port }');
  }
}

function validateClientOptions(clientOptions: NodeRedisClientOptions): void {
  if (clientOptions === null || typeof clientOptions !== 'object') {
    invalid('clientOptions', 'expected an object');
  }
  const loose = clientOptions as Record<string, unknown>;
  for (const [name, hint] of Object.entries(RESERVED_CLIENT_OPTIONS)) {
    if (loose[name] !== undefined) invalid(`clientOptions.${name}`, `not allowed here (${hint})`);
  }
  const socket = loose.socket as Record<string, unknown> | undefined;
  for (const [name, instead] of Object.entries(RESERVED_SOCKET_OPTIONS)) {
    if (socket?.[name] !== undefined) {
      invalid(`clientOptions.socket.${name}`, `not allowed here (use the \`${instead}\` option)`);
    }
  }
}

function isRedisUrl(url: unknown): url is string {
  if (typeof url !== 'string') return false;
  try {
    return ['redis:', 'rediss:', 'unix:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function invalid(name: string, message: string): never {
  throw new SessError('INVALID_OPTION', `${name}: ${message}`);
}
