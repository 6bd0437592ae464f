import { parseInfo } from '../info-text.js';
import type { RedisNode } from '../redis-node.js';
import type { CheckResult } from './check-result.js';
import { SLOT_TOTAL, type SlotRange } from './slot-ranges.js';

const REASON =
  'A Cluster serves a key only when its slot is assigned to a master that is up: sessions in an uncovered or failed slot cannot be read or written, and a master without a replica has nothing to fail over to.';
const FIX =
  'Bring failed nodes back or fail them over (CLUSTER FAILOVER on a replica), assign every slot (redis-cli --cluster fix), and give each master at least one replica.';

/** CLUSTER INFO state and slot coverage, and replicas per master from CLUSTER SLOTS. */
export async function clusterCheck(
  node: RedisNode,
  ranges: readonly SlotRange[],
): Promise<CheckResult> {
  const info = parseInfo(await node.call(['CLUSTER', 'INFO']));
  const state = info.get('cluster_state') ?? '?';
  const assigned = Number(info.get('cluster_slots_assigned') ?? 0);
  const ok = Number(info.get('cluster_slots_ok') ?? 0);
  const pfail = Number(info.get('cluster_slots_pfail') ?? 0);
  const failed = Number(info.get('cluster_slots_fail') ?? 0);
  const masters = [...new Set(ranges.map((range) => range.master))];
  const lonely = masters.filter((master) =>
    ranges.some((range) => range.master === master && range.replicas.length === 0),
  );
  const details = {
    state,
    assigned,
    ok,
    pfail,
    failed,
    masters: masters.length,
    mastersWithoutReplica: lonely,
  };
  const summary = `state ${state}, ${assigned} of ${SLOT_TOTAL} slots assigned, ${ok} ok, ${pfail} possibly failing, ${failed} failed; ${masters.length} masters, ${lonely.length} without a replica`;
  const base = { id: 'cluster', title: 'Cluster', summary, reason: REASON, details };
  if (state !== 'ok' || assigned < SLOT_TOTAL || failed > 0)
    return { ...base, status: 'fail', fix: FIX };
  if (pfail > 0 || lonely.length > 0) return { ...base, status: 'warn', fix: FIX };
  return { ...base, status: 'pass', fix: undefined };
}
