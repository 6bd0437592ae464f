import type { RespEndpoint } from './resp-connection.js';

/** Where a server came from: `REDIS_URL`, a `redis-server` we spawned, or a Docker container. */
export type RedisSource = 'env' | 'binary' | 'docker';

/**
 * A running Redis as each source provides it; `RedisServer` adds the audit on top. Fault
 * operations throw where the source owns no process to signal.
 */
export interface RedisInstance {
  readonly source: RedisSource;
  readonly endpoint: RespEndpoint;
  readonly url: string;
  readonly pid: number | undefined;
  /** False after `kill()` or `stop()`, until `restart()`. */
  readonly running: boolean;
  readonly paused: boolean;
  pause(): void;
  resume(): void;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The error of a fault operation a source cannot perform. */
export function unsupported(operation: string, source: RedisSource, why: string): Error {
  return new Error(`${operation}: not possible for a Redis of source '${source}': ${why}`);
}
