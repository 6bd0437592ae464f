export { createNodeRedisPort } from './create-node-redis-port.js';
export type {
  NodeRedisClient,
  NodeRedisCommandOptions,
  NodeRedisDuplicateOverrides,
} from './node-redis-client.js';
export type { NodeRedisPort } from './node-redis-port.js';
export type {
  NodeRedisClientOptions,
  NodeRedisPortOptions,
  NodeRedisReconnectOptions,
} from './port-options.js';
