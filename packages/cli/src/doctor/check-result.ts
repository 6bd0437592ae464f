export type CheckStatus = 'pass' | 'warn' | 'fail';

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
  /** What to do about it (for warn and fail). */
  readonly fix: string | undefined;
  readonly details?: unknown;
}

/** A node-level finding before it is named and merged with the other nodes'. */
export interface Verdict {
  readonly status: CheckStatus;
  readonly summary: string;
  readonly reason: string;
  readonly fix?: string;
  readonly details?: unknown;
}

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };

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
  };
}

/** A check that could not run: a failure, saying why. */
export function unchecked(id: string, title: string, error: unknown, reason: string): CheckResult {
  return {
    id,
    title,
    status: 'fail',
    summary: `could not check: ${error instanceof Error ? error.message : String(error)}`,
    reason,
    fix: 'Make sure the server answers this command for this user (ACL) and run doctor again.',
  };
}

function toObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
