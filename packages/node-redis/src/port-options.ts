import { SessError } from '@sess/core';
import type { AnyRedisClientOptions } from 'redis';
import { rateLimitedWarning } from './default-error-hook.js';
import type { NodeRedisClient } from './node-redis-client.js';

/** node-redis client options the port passes on. It sets `RESP`, `url` and `disableOfflineQueue` itself. */
export type NodeRedisClientOptions = Omit<
  AnyRedisClientOptions,
  'RESP' | 'url' | 'disableOfflineQueue'
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

export interface NodeRedisPortOptions {
  /**
   * A client you created with node-redis' `createClient({ RESP: 2, ... })`. The port connects
   * it if it is not open yet and never closes it; its reconnect and queue settings stay yours
   * (the port still fails fast while it is not ready). Cannot be combined with `url`,
   * `clientOptions` or `reconnect`.
   * @default undefined (the port creates and owns a client built from `url` and `clientOptions`)
   */
  client?: NodeRedisClient;
  /**
   * Where Redis is: `redis[s]://[[username][:password]@][host][:port][/db-number]`.
   * @default undefined (node-redis' default, `redis://localhost:6379`, unless `clientOptions.socket` says otherwise)
   */
  url?: string;
  /**
   * Further node-redis client options (TLS, credentials, `database`, `name`, `pingInterval`,
   * socket settings, ...). The port sets `RESP: 2`, `disableOfflineQueue: true`,
   * `socket.connectTimeout` (from `connectTimeout`) and `socket.reconnectStrategy` (from
   * `reconnect`) itself; setting those here is an error.
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
   * Reconnect backoff of the clients the port creates: capped exponential with jitter. It
   * never gives up.
   * @default { minDelay: 50, maxDelay: 2_000 }
   */
  reconnect?: NodeRedisReconnectOptions;
}

export interface ResolvedPortOptions {
  readonly client: NodeRedisClient | undefined;
  readonly url: string | undefined;
  readonly clientOptions: NodeRedisClientOptions;
  readonly onError: (error: Error) => void;
  readonly connectTimeout: number;
  readonly reconnect: Required<NodeRedisReconnectOptions>;
}

/** The options the port itself sets on a client it creates; `clientOptions` may not. */
const RESERVED_CLIENT_OPTIONS = ['RESP', 'url', 'disableOfflineQueue'] as const;
const RESERVED_SOCKET_OPTIONS = {
  connectTimeout: 'connectTimeout',
  reconnectStrategy: 'reconnect',
};

export function resolvePortOptions(options: NodeRedisPortOptions | undefined): ResolvedPortOptions {
  const given = options ?? {};
  if (typeof given !== 'object') invalid('options', 'expected an object');
  const resolved: ResolvedPortOptions = {
    client: given.client,
    url: given.url,
    clientOptions: given.clientOptions ?? {},
    onError: given.onError ?? rateLimitedWarning(),
    connectTimeout: given.connectTimeout ?? 5_000,
    reconnect: {
      minDelay: given.reconnect?.minDelay ?? 50,
      maxDelay: given.reconnect?.maxDelay ?? 2_000,
    },
  };
  if (resolved.client !== undefined) validateClient(resolved.client, given);
  if (resolved.url !== undefined && !isRedisUrl(resolved.url)) {
    invalid('url', `expected a redis://, rediss:// or unix:// URL, got ${String(resolved.url)}`);
  }
  validateClientOptions(resolved.clientOptions);
  if (typeof resolved.onError !== 'function') invalid('onError', 'expected a function');
  positiveInteger('connectTimeout', resolved.connectTimeout);
  if (
    given.reconnect !== undefined &&
    (given.reconnect === null || typeof given.reconnect !== 'object')
  ) {
    invalid('reconnect', 'expected { minDelay?, maxDelay? }');
  }
  positiveInteger('reconnect.minDelay', resolved.reconnect.minDelay);
  positiveInteger('reconnect.maxDelay', resolved.reconnect.maxDelay);
  if (resolved.reconnect.maxDelay < resolved.reconnect.minDelay) {
    invalid('reconnect.maxDelay', 'must not be smaller than reconnect.minDelay');
  }
  return resolved;
}

function validateClient(client: NodeRedisClient, given: NodeRedisPortOptions): void {
  for (const name of ['url', 'clientOptions', 'reconnect'] as const) {
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
    invalid('client', 'expected a node-redis client from createClient() (not a cluster or pool)');
  }
  // RESP3 changes reply shapes (maps, doubles, nested pairs) in ways sess cannot undo.
  if (client.options?.RESP !== 2) {
    invalid(
      'client',
      'sess needs a RESP2 connection: create it with createClient({ RESP: 2, ... })',
    );
  }
}

function validateClientOptions(clientOptions: NodeRedisClientOptions): void {
  if (clientOptions === null || typeof clientOptions !== 'object') {
    invalid('clientOptions', 'expected an object');
  }
  const loose = clientOptions as Record<string, unknown>;
  for (const name of RESERVED_CLIENT_OPTIONS) {
    if (loose[name] !== undefined) {
      const hint = name === 'url' ? 'use the `url` option' : 'the port sets it';
      invalid(`clientOptions.${name}`, `not allowed here (${hint})`);
    }
  }
  const socket = loose.socket as Record<string, unknown> | undefined;
  for (const [name, instead] of Object.entries(RESERVED_SOCKET_OPTIONS)) {
    if (socket?.[name] !== undefined) {
      invalid(`clientOptions.socket.${name}`, `not allowed here (use the \`${instead}\` option)`);
    }
  }
}

function isRedisUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    return ['redis:', 'rediss:', 'unix:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function positiveInteger(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    invalid(name, `expected a positive integer, got ${String(value)}`);
  }
}

function invalid(name: string, message: string): never {
  throw new SessError('INVALID_OPTION', `${name}: ${message}`);
}
