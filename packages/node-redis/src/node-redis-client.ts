import type { RespVersions } from 'redis';

/** Per-call options this package passes to node-redis' `sendCommand`. */
export interface NodeRedisCommandOptions {
  /** `{}` overrides the client's default mapping: replies in their plain RESP2 shapes. */
  readonly typeMapping?: Record<never, never>;
  /** Always 0: no timeout of node-redis' own (the core's deadline covers every call). */
  readonly timeout?: number;
  /**
   * Ties commands sent one after the other (`ASKING` and the command it is for): when the
   * connection drops between them, node-redis fails the rest of the chain instead of sending
   * it alone on the next connection.
   */
  readonly chainId?: symbol;
}

/** What a dedicated connection is opened with. */
export interface NodeRedisDuplicateOverrides {
  readonly disableOfflineQueue?: boolean;
}

/**
 * The part of a node-redis 6 standalone client (`createClient()`) the port uses. Written out
 * rather than taken from `RedisClientType`, whose generics (modules, RESP version, type
 * mapping) make one client type unassignable to another: any `createClient()` result fits.
 */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  readonly options?:
    | {
        readonly RESP?: RespVersions | undefined;
        readonly socket?: object | undefined;
      }
    | undefined;
  connect(): Promise<unknown>;
  sendCommand(args: readonly string[], options?: NodeRedisCommandOptions): Promise<unknown>;
  duplicate(overrides?: NodeRedisDuplicateOverrides): NodeRedisClient;
  close(): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready' | 'connect', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'ready' | 'connect', listener: () => void): unknown;
}

/** A node of a Cluster client's topology (`cluster.masters`, `cluster.replicas`). */
export interface NodeRedisClusterNode {
  readonly address: string;
  readonly host: string;
  readonly port: number;
}

/** node-redis' `nodeAddressMap` Cluster option: an announced `host:port` to where it is reached. */
export type NodeRedisNodeAddressMap =
  | Readonly<Record<string, { readonly host: string; readonly port: number } | undefined>>
  | ((address: string) => { readonly host: string; readonly port: number } | undefined);

/** Where a Cluster node event comes from. */
export interface NodeRedisNodeAddress {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
}

/** What a dedicated Cluster connection is opened with. */
export interface NodeRedisClusterDuplicateOverrides {
  readonly minimizeConnections?: boolean;
}

/**
 * The part of a node-redis 6 Cluster client (`createCluster()`) the port uses; any
 * `createCluster()` result fits.
 */
export interface NodeRedisCluster {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  readonly masters: readonly NodeRedisClusterNode[];
  readonly replicas: readonly NodeRedisClusterNode[];
  readonly _options?:
    | {
        readonly RESP?: RespVersions | undefined;
        readonly defaults?: { readonly socket?: object | undefined } | undefined;
        /** Where to reach a node Redis announces at an address (`host:port`) not reachable as is. */
        readonly nodeAddressMap?: NodeRedisNodeAddressMap | undefined;
        readonly rootNodes?:
          | ReadonlyArray<{ readonly url?: string; readonly socket?: object | undefined }>
          | undefined;
      }
    | undefined;
  connect(): Promise<unknown>;
  /** Routed by `firstKey`, following MOVED and ASK. */
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: NodeRedisCommandOptions,
  ): Promise<unknown>;
  getNodeClientForKey(key: string, isReadonly?: boolean): Promise<NodeRedisClient>;
  nodeClient(node: NodeRedisClusterNode): Promise<NodeRedisClient>;
  duplicate(overrides?: NodeRedisClusterDuplicateOverrides): NodeRedisCluster;
  close(): Promise<unknown>;
  destroy(): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'node-error', listener: (error: Error, node: NodeRedisNodeAddress) => void): unknown;
  on(event: 'node-ready', listener: (node: NodeRedisNodeAddress) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'node-error', listener: (error: Error, node: NodeRedisNodeAddress) => void): unknown;
  off(event: 'node-ready', listener: (node: NodeRedisNodeAddress) => void): unknown;
}

/** A Sentinel topology change (`topology-change` event). */
export interface NodeRedisSentinelEvent {
  readonly type: string;
}

/**
 * The part of a node-redis 6 Sentinel client (`createSentinel()`) the port uses; any
 * `createSentinel()` result fits.
 */
export interface NodeRedisSentinel {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  /** Sent to the master (`isReadonly: false`). */
  sendCommand(
    isReadonly: boolean | undefined,
    args: string[],
    options?: NodeRedisCommandOptions,
  ): Promise<unknown>;
  /** The master the client has a ready connection to, if any. */
  getMasterNode(): { readonly host: string; readonly port: number } | undefined;
  /** The Sentinel the client follows now, if any. */
  getSentinelNode(): { readonly host: string; readonly port: number } | undefined;
  duplicate(): NodeRedisSentinel;
  close(): Promise<unknown>;
  destroy(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'topology-change', listener: (event: NodeRedisSentinelEvent) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'topology-change', listener: (event: NodeRedisSentinelEvent) => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

/** Any client the port runs on. */
export type NodeRedisAnyClient = NodeRedisClient | NodeRedisCluster | NodeRedisSentinel;
