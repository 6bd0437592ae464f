import type { Connection } from '../connection.js';
import { parseInfo } from '../info-text.js';
import type { RedisNode } from '../redis-node.js';
import type { SlotRange } from './slot-ranges.js';

/** What `INFO` says about one data node (the server, the Sentinel master, a Cluster master). */
export interface NodeFacts {
  readonly address: string;
  readonly info: Map<string, string>;
}

/** A data node's INFO, or why it could not be read (a refusal, a timeout...). */
export type NodeReading =
  | { readonly address: string; readonly info: Map<string, string>; readonly error?: undefined }
  | { readonly address: string; readonly info: undefined; readonly error: unknown };

/**
 * INFO of every data node the doctor judges: the one server, the Sentinel master, or each
 * Cluster master (found with CLUSTER SLOTS, each asked on a connection of its own). A node
 * that does not give its INFO is kept with the error, so the checks can say why they did not
 * run; connecting to a Cluster master that does not answer still fails the run.
 */
export async function gatherNodeFacts(
  connection: Connection,
  slots: readonly SlotRange[],
): Promise<NodeReading[]> {
  if (connection.topology !== 'cluster') {
    return [await readInfo(connection.main, connection.main.address)];
  }
  const masters = [...new Set(slots.map((range) => range.master))].sort();
  return Promise.all(
    masters.map(async (address) => readInfo(await connection.openNode(hostPort(address)), address)),
  );
}

async function readInfo(node: RedisNode, address: string): Promise<NodeReading> {
  try {
    return { address, info: parseInfo(await node.call(['INFO'])) };
  } catch (error) {
    return { address, info: undefined, error };
  }
}

function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return {
    host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: Number(address.slice(colon + 1)),
  };
}
