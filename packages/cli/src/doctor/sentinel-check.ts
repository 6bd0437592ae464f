import { CommandRefusedError } from '../command-refused.js';
import type { SentinelNodes } from '../connection.js';
import type { CheckResult } from './check-result.js';

const REASON =
  'Sentinel fails the master over only when a quorum of sentinels agrees it is down and a majority of all sentinels authorises the failover; with too few sentinels reachable, a dead master stays dead and every session request fails.';
const FIX =
  'Run at least three sentinels on separate machines, with a quorum of two, all able to reach each other and the Redis nodes; list them all to the application.';

interface MasterView {
  readonly sentinel: string;
  readonly fields: Map<string, string>;
  readonly quorumCheck: string;
}

/**
 * Reachable sentinels, their quorum, their view of the master, and CKQUORUM. Rejects with the
 * refusal when every sentinel that answered refused `SENTINEL MASTER` to this user.
 */
export async function sentinelCheck(sentinels: SentinelNodes): Promise<CheckResult> {
  const views: MasterView[] = [];
  const refusals: CommandRefusedError[] = [];
  const failures: string[] = sentinels.unreachable.map(
    ({ address }) => `${address} did not answer`,
  );
  for (const node of sentinels.reachable) {
    try {
      const reply = await node.call(['SENTINEL', 'MASTER', sentinels.master]);
      const fields = new Map<string, string>();
      if (Array.isArray(reply)) {
        for (let i = 0; i + 1 < reply.length; i += 2) {
          fields.set(String(reply[i]), String(reply[i + 1]));
        }
      }
      const quorumCheck = await node
        .call(['SENTINEL', 'CKQUORUM', sentinels.master])
        .then(String, (error: Error) => `NOQUORUM ${error.message}`);
      views.push({ sentinel: node.address, fields, quorumCheck });
    } catch (error) {
      if (error instanceof CommandRefusedError) refusals.push(error);
      failures.push(`${node.address}: ${(error as Error).message}`);
    }
  }
  const [refused] = refusals;
  if (views.length === 0 && refused && refusals.length === sentinels.reachable.length) {
    throw refused;
  }
  const total = sentinels.reachable.length + sentinels.unreachable.length;
  const first = views[0]?.fields;
  const quorum = Number(first?.get('quorum') ?? Number.NaN);
  const known = Number(first?.get('num-other-sentinels') ?? Number.NaN) + 1;
  const replicas = Number(first?.get('num-slaves') ?? 0);
  const masters = new Set(views.map((v) => `${v.fields.get('ip')}:${v.fields.get('port')}`));
  const down = views.filter((v) => /(^|,)(s_down|o_down)(,|$)/.test(v.fields.get('flags') ?? ''));
  const noQuorum = views.filter((v) => !v.quorumCheck.startsWith('OK'));
  const details = {
    master: sentinels.master,
    reachable: views.length,
    given: total,
    knownSentinels: Number.isFinite(known) ? known : null,
    quorum: Number.isFinite(quorum) ? quorum : null,
    replicas,
    problems: failures,
  };
  const summary = `${views.length} of ${total} sentinels answered; quorum ${Number.isFinite(quorum) ? quorum : '?'}, ${Number.isFinite(known) ? `${known} sentinel${known === 1 ? '' : 's'}` : '? sentinels'} known, master ${[...masters].join(' / ') || '?'} with ${replicas} replica${replicas === 1 ? '' : 's'}`;
  const base = { id: 'sentinel', title: 'Sentinel', reason: REASON, details };
  const problems: string[] = [];
  let status: 'pass' | 'warn' | 'fail' = 'pass';
  if (views.length === 0) {
    return {
      ...base,
      status: 'fail',
      summary: `no sentinel answered: ${failures.join('; ')}`,
      fix: FIX,
    };
  }
  if (down.length > 0) {
    status = 'fail';
    problems.push(`master flagged down by ${down.map((v) => v.sentinel).join(', ')}`);
  }
  if (noQuorum.length > 0) {
    status = 'fail';
    problems.push(`CKQUORUM: ${noQuorum[0]?.quorumCheck}`);
  }
  if (
    status === 'pass' &&
    (failures.length > 0 || masters.size > 1 || known < 3 || replicas === 0)
  ) {
    status = 'warn';
  }
  if (failures.length > 0) problems.push(...failures);
  if (masters.size > 1) problems.push('sentinels disagree on the master');
  if (known < 3)
    problems.push(
      `only ${known} sentinel${known === 1 ? '' : 's'}: one failure can leave no majority`,
    );
  if (replicas === 0) problems.push('no replica to fail over to');
  return {
    ...base,
    status,
    summary:
      problems.length === 0
        ? `${summary}; failover can be authorised`
        : `${summary}; ${problems.join('; ')}`,
    fix: status === 'pass' ? undefined : FIX,
  };
}
