import { CommandRefusedError } from '../command-refused.js';

/** `skip`: the check could not run, because the server refused a command it needs to this user. */
export type CheckStatus = 'pass' | 'skip' | 'warn' | 'fail';

/** The command a skipped check needed and what the server answered. */
export interface Refusal {
  readonly command: string;
  readonly reply: string;
}

/** One finding of `sess doctor`. */
export interface CheckResult {
  /** Stable id for machines: `eviction-policy`, `clock-skew`, ... */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly summary: string;
  /** Why it matters for sessions. */
  readonly reason: string;
  /** What to do about it (for warn, fail and skip). */
  readonly fix: string | undefined;
  readonly details?: unknown;
  /** For `skip`: the command the server refused. */
  readonly refused?: Refusal;
}

/** A node-level finding before it is named and merged with the other nodes'. */
export interface Verdict {
  readonly status: CheckStatus;
  readonly summary: string;
  readonly reason: string;
  readonly fix?: string;
  readonly details?: unknown;
  readonly refused?: Refusal;
}

// A skipped check hides nothing worse than what the others found, but is more than a pass.
const RANK: Record<CheckStatus, number> = { pass: 0, skip: 1, warn: 2, fail: 3 };

export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'pass');
}

/**
 * One result from the verdicts of several nodes: the worst status, each node's summary
 * (prefixed with its address when there is more than one), the reason and fix of the worst.
 */
export function mergeVerdicts(
  id: string,
  title: string,
  verdicts: ReadonlyArray<{ readonly address: string; readonly verdict: Verdict }>,
): CheckResult {
  const status = worst(verdicts.map(({ verdict }) => verdict.status));
  const leading = verdicts.find(({ verdict }) => verdict.status === status)?.verdict;
  const summary =
    verdicts.length === 1
      ? (verdicts[0]?.verdict.summary ?? '')
      : verdicts.map(({ address, verdict }) => `${address}: ${verdict.summary}`).join('; ');
  const refused = verdicts.find(({ verdict }) => verdict.refused)?.verdict.refused;
  return {
    id,
    title,
    status,
    summary,
    reason: leading?.reason ?? '',
    fix: status === 'pass' ? undefined : leading?.fix,
    details:
      verdicts.length === 1
        ? verdicts[0]?.verdict.details
        : verdicts.map(({ address, verdict }) => ({ address, ...toObject(verdict.details) })),
    ...(refused ? { refused } : {}),
  };
}

/**
 * A check that could not run. Refused by the server (ACL, or a command it does not have): a
 * skip naming the command. Anything else (no answer in time, a reply that makes no sense): a
 * failure, saying why.
 */
export function unchecked(id: string, title: string, error: unknown, reason: string): CheckResult {
  return { id, title, ...notRunVerdict(error, reason) };
}

/** The verdict for a check (or one node of it) that could not run because of `error`. */
export function notRunVerdict(error: unknown, reason: string): Verdict & { fix: string } {
  if (error instanceof CommandRefusedError) {
    return {
      status: 'skip',
      summary: `not run: ${error.command} refused (${error.reply})`,
      reason,
      fix: /^NOPERM\b/.test(error.reply)
        ? `Allow ${error.command} to the user the CLI signs in as (the least-privilege page of the sess docs has the CLI's ACL rules), or run it as a user that has it.`
        : `This server does not offer ${error.command} (renamed or disabled): the check cannot run here.`,
      refused: { command: error.command, reply: error.reply },
    };
  }
  return {
    status: 'fail',
    summary: `could not check: ${error instanceof Error ? error.message : String(error)}`,
    reason,
    fix: 'Make sure the server answers this command for this user (ACL) and run doctor again.',
  };
}

function toObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
