import type {
  NodeRedisAnyClient,
  NodeRedisCluster,
  NodeRedisSentinel,
} from './node-redis-client.js';

/** Where the port's Redis is: one server, a master found through Sentinel, or a Cluster. */
export type NodeRedisTopology = 'standalone' | 'sentinel' | 'cluster';

/** Tells the three kinds of node-redis client apart by what they offer. */
export function clientKind(client: NodeRedisAnyClient): NodeRedisTopology {
  if (typeof (client as NodeRedisCluster).getNodeClientForKey === 'function') return 'cluster';
  if (typeof (client as NodeRedisSentinel).getMasterNode === 'function') return 'sentinel';
  return 'standalone';
}
