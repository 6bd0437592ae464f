import type { AuditReport } from './command-audit.js';
import { CommandAuditError, type RedisServer } from './redis-server.js';

/** One audit report for a topology: the violations of each audited member, named by port. */
export async function mergedAudit(members: readonly RedisServer[]): Promise<AuditReport> {
  let commands = 0;
  const violations: string[] = [];
  for (const member of members) {
    const report = await member.audit();
    commands += report.commands;
    violations.push(...report.violations.map((violation) => `port ${member.port}: ${violation}`));
  }
  return { commands, violations };
}

/**
 * Stops every member (all of them, whatever fails) and rejects afterwards: with one
 * `CommandAuditError` for the violations of all audited members, or with the first other error.
 */
export async function stopAll(members: readonly RedisServer[]): Promise<void> {
  const outcomes = await Promise.allSettled(members.map((member) => member.stop()));
  let commands = 0;
  const violations: string[] = [];
  let failure: unknown;
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') return;
    const error: unknown = outcome.reason;
    if (error instanceof CommandAuditError) {
      commands += error.report.commands;
      const port = members[i]?.port;
      violations.push(...error.report.violations.map((violation) => `port ${port}: ${violation}`));
    } else {
      failure ??= error;
    }
  });
  if (violations.length > 0) throw new CommandAuditError({ commands, violations });
  if (failure !== undefined) throw failure;
}
