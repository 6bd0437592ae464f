import { formatDuration } from '../format.js';
import { infoNumber } from '../info-text.js';
import type { Verdict } from './check-result.js';
import type { NodeFacts } from './node-facts.js';

const REASON =
  'Without persistence and without a replica, a restart or crash of Redis loses every session: everyone is signed out, and no expired event is ever written for them.';

/** Whether the sessions survive a restart: AOF, RDB snapshots, or a replica to fail over to. */
export function persistenceVerdict({ info }: NodeFacts, now: number): Verdict {
  const aof = info.get('aof_enabled') === '1';
  const snapshots = infoNumber(info, 'rdb_saves') ?? 0;
  const lastSave = infoNumber(info, 'rdb_last_save_time');
  const replicas = infoNumber(info, 'connected_slaves') ?? 0;
  const details = { aof, rdbSavesSinceStart: snapshots, replicas };
  const replicaText = `${replicas} replica${replicas === 1 ? '' : 's'}`;
  if (aof) {
    return { status: 'pass', summary: `AOF on, ${replicaText}`, reason: REASON, details };
  }
  if (snapshots > 0) {
    const age =
      lastSave === undefined ? '' : `, last ${formatDuration(now - lastSave * 1_000)} ago`;
    return {
      status: 'pass',
      summary: `RDB snapshots (${snapshots} since start${age}; changes since the last one are lost in a crash), ${replicaText}`,
      reason: REASON,
      details,
    };
  }
  if (replicas > 0) {
    return {
      status: 'pass',
      summary: `no AOF and no snapshot since start, but ${replicaText} to fail over to (restarting every node at once still loses all sessions)`,
      reason: REASON,
      details,
    };
  }
  return {
    status: 'warn',
    summary:
      'no AOF, no RDB snapshot since the server started, and no replica: a restart loses every session',
    reason: `${REASON} (INFO cannot show the save schedule and sess never reads CONFIG, so a schedule that has not fired yet looks the same.)`,
    fix: 'Turn on appendonly yes (appendfsync everysec), or RDB snapshots, and run a replica with Sentinel or Cluster for failover.',
    details,
  };
}
