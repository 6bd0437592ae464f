import type { Verdict } from './check-result.js';
import type { NodeFacts } from './node-facts.js';

const REASON =
  'sess relies on PEXPIREAT … GT (principal indexes) and XAUTOCLAIM (event consumer groups): Redis 7.0 and Valkey 7.2 are the first with both.';

/** Redis ≥ 7.0, Valkey ≥ 7.2. */
export function versionVerdict({ info }: NodeFacts): Verdict {
  const valkey = info.get('server_name') === 'valkey' || info.has('valkey_version');
  const version = (valkey ? info.get('valkey_version') : undefined) ?? info.get('redis_version');
  const name = valkey ? 'Valkey' : 'Redis';
  const needed: [number, number] = valkey ? [7, 2] : [7, 0];
  if (version === undefined) {
    return {
      status: 'warn',
      summary: 'INFO server reports no version',
      reason: REASON,
      fix: `Check by hand that the server is ${name} ${needed.join('.')} or later.`,
    };
  }
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const recent = major > needed[0] || (major === needed[0] && minor >= needed[1]);
  return recent
    ? {
        status: 'pass',
        summary: `${name} ${version} (sess needs ${needed.join('.')} or later)`,
        reason: REASON,
        details: { server: name, version },
      }
    : {
        status: 'fail',
        summary: `${name} ${version} is too old: sess needs ${needed.join('.')} or later`,
        reason: REASON,
        fix: `Upgrade to ${name} ${needed.join('.')} or later.`,
        details: { server: name, version },
      };
}
