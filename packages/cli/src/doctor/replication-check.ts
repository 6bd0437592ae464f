import { infoNumber, parseInfoList } from '../info-text.js';
import type { Verdict } from './check-result.js';
import type { NodeFacts } from './node-facts.js';

const REASON =
  'On failover a replica becomes the master with only what it had received: sessions created or changed during the lag are lost, and sessions destroyed during it come back.';
const FIX =
  'Look at the network and load between master and replicas; min-replicas-to-write / min-replicas-max-lag (server config) make the master refuse writes it cannot replicate.';

/**
 * Replica health seen from a master (state and seconds since each replica's last ack), or a
 * connection that landed on a replica. Undefined for a master without replicas (the
 * persistence check covers that).
 */
export function replicationVerdict({ info }: NodeFacts): Verdict | undefined {
  const role = info.get('role');
  if (role === 'slave') {
    const master = `${info.get('master_host')}:${info.get('master_port')}`;
    return {
      status: 'fail',
      summary: `this is a replica of ${master} (link ${info.get('master_link_status') ?? '?'}): sess writes go to the master`,
      reason: 'A replica refuses writes (READONLY): every sign-in and session save would fail.',
      fix: 'Point the application (and this command) at the master, or use Sentinel so the client finds it.',
    };
  }
  const count = infoNumber(info, 'connected_slaves') ?? 0;
  if (count === 0) return undefined;
  const masterOffset = infoNumber(info, 'master_repl_offset') ?? 0;
  const replicas = Array.from({ length: count }, (_, i) => {
    const fields = parseInfoList(info.get(`slave${i}`) ?? '');
    return {
      address: `${fields.get('ip')}:${fields.get('port')}`,
      state: fields.get('state') ?? '?',
      lagSeconds: Number(fields.get('lag') ?? Number.NaN),
      bytesBehind: Math.max(0, masterOffset - Number(fields.get('offset') ?? masterOffset)),
    };
  });
  const describe = replicas
    .map((r) => `${r.address} ${r.state}, lag ${r.lagSeconds} s, ${r.bytesBehind} bytes behind`)
    .join('; ');
  const offline = replicas.filter((r) => r.state !== 'online');
  const maxLag = Math.max(
    ...replicas.map((r) => (Number.isFinite(r.lagSeconds) ? r.lagSeconds : 0)),
  );
  const details = { replicas };
  if (maxLag >= 30) return { status: 'fail', summary: describe, reason: REASON, fix: FIX, details };
  // A replica that is not online yet is still syncing (or reconnecting).
  if (offline.length > 0 || maxLag >= 5) {
    return { status: 'warn', summary: describe, reason: REASON, fix: FIX, details };
  }
  return { status: 'pass', summary: describe, reason: REASON, details };
}
