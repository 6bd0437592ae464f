import type { Connection } from '../connection.js';
import { parseInfo } from '../info-text.js';
import type { RedisNode } from '../redis-node.js';
import type { SlotRange } from './slot-ranges.js';

/** What `INFO` says about one data node (the server, the Sentinel master, a Cluster master). */
export interface NodeFacts {
  readonly address: string;
  readonly info: Map<string, string>;
}

/**
 * INFO of every data node the doctor judges: the one server, the Sentinel master, or each
 * Cluster master (found with CLUSTER SLOTS, each asked on a connection of its own).
 */
export async function gatherNodeFacts(
  connection: Connection,
  slots: readonly SlotRange[],
): Promise<NodeFacts[]> {
  if (connection.topology !== 'cluster') {
    return [
      { address: connection.main.address, info: parseInfo(await connection.main.call(['INFO'])) },
    ];
  }
  const masters = [...new Set(slots.map((range) => range.master))].sort();
  return Promise.all(
    masters.map(async (address) => {
      const node: RedisNode = await connection.openNode(hostPort(address));
      return { address, info: parseInfo(await node.call(['INFO'])) };
    }),
  );
}

function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return {
    host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: Number(address.slice(colon + 1)),
  };
}
