import type { CallOptions, CommandCall, RedisReply } from '@sess/core/port';

/** One server behind a port, for operations tools (`port.nodes()`). */
export interface NodeRedisNode {
  /** `host:port`. */
  readonly address: string;
  readonly role: 'master' | 'replica' | 'sentinel';
  /** Sends one command to this server (e.g. `INFO`, `SENTINEL MASTER <name>`). */
  send(call: CommandCall, options?: CallOptions): Promise<RedisReply>;
}
