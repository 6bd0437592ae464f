import type { RespVersions } from 'redis';

/** Per-call options this package passes to node-redis' `sendCommand`. */
export interface NodeRedisCommandOptions {
  /** Always `{}`: replies in their plain RESP2 shapes, whatever the client's default mapping. */
  readonly typeMapping?: Record<never, never>;
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
  readonly options?: { readonly RESP?: RespVersions | undefined } | undefined;
  connect(): Promise<unknown>;
  sendCommand(args: readonly string[], options?: NodeRedisCommandOptions): Promise<unknown>;
  duplicate(overrides?: NodeRedisDuplicateOverrides): NodeRedisClient;
  close(): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}
