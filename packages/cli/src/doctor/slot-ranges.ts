/** Redis Cluster's hash slots. */
export const SLOT_TOTAL = 16_384;

/** A hash slot range and who serves it, from `CLUSTER SLOTS`. */
export interface SlotRange {
  readonly start: number;
  readonly end: number;
  readonly master: string;
  readonly replicas: readonly string[];
}

/** The ranges of `CLUSTER SLOTS` (`[[start, end, [host, port, id], [replica]...], ...]`). */
export function parseClusterSlots(reply: unknown): SlotRange[] {
  if (!Array.isArray(reply)) return [];
  const address = (node: unknown): string => {
    if (!Array.isArray(node)) return '?';
    const host = String(node[0]);
    return `${host.includes(':') ? `[${host}]` : host}:${node[1]}`;
  };
  return reply.filter(Array.isArray).map((range: unknown[]) => ({
    start: Number(range[0]),
    end: Number(range[1]),
    master: address(range[2]),
    replicas: range.slice(3).map(address),
  }));
}
