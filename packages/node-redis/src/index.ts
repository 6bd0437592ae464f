// `@sess/node-redis`: a RedisPort over node-redis 6 (standalone, Sentinel, Cluster).

// The factory, its options and the port it returns
export type { NodeRedisCacheOptions } from './cache-options.js';
export type { NodeRedisTopology } from './client-kind.js';
export { createNodeRedisPort } from './create-node-redis-port.js';
// The shapes of node-redis clients the port accepts in place of options (`{ client }`)
export type {
  NodeRedisAnyClient,
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisClusterDuplicateOverrides,
  NodeRedisClusterNode,
  NodeRedisCommandOptions,
  NodeRedisDuplicateOverrides,
  NodeRedisNodeAddress,
  NodeRedisNodeAddressMap,
  NodeRedisSentinel,
  NodeRedisSentinelEvent,
} from './node-redis-client.js';
export type { NodeRedisNode } from './node-redis-node.js';
export type { NodeRedisPort } from './node-redis-port.js';
export type {
  NodeRedisAddress,
  NodeRedisClientOptions,
  NodeRedisClusterOptions,
  NodeRedisPortOptions,
  NodeRedisReconnectOptions,
  NodeRedisSentinelOptions,
  NodeRedisTls,
} from './port-options.js';
