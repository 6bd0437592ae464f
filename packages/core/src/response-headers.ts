import type { CommitOutcome } from './session-scope.js';

/** A response whose headers are not sent yet: Node's `ServerResponse`, Koa's `ctx.res`... */
export interface HeaderTarget {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
}

/**
 * Whether the commit adds any header. Most commits (reads) add none, and an adapter can then
 * leave the response alone without touching it.
 */
export function hasCommitHeaders(outcome: CommitOutcome): boolean {
  return (
    outcome.setCookie.length > 0 ||
    outcome.cacheControl !== undefined ||
    outcome.token !== undefined
  );
}

/** The response headers of a commit, e.g. for an error that carries its own (`err.headers` in Koa). */
export function commitHeaders(outcome: CommitOutcome): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  if (outcome.setCookie.length > 0) headers['Set-Cookie'] = [...outcome.setCookie];
  if (outcome.token !== undefined) headers[outcome.token.header] = outcome.token.value;
  if (outcome.cacheControl !== undefined) headers['Cache-Control'] = outcome.cacheControl;
  return headers;
}

/**
 * Adds the commit's headers to a response, keeping the cookies others set on it. A session
 * token's header replaces any the response had.
 */
export function applyCommitHeaders(target: HeaderTarget, outcome: CommitOutcome): void {
  if (outcome.setCookie.length > 0) {
    const existing = target.getHeader('set-cookie');
    const kept =
      existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    target.setHeader('Set-Cookie', [...kept, ...outcome.setCookie]);
  }
  if (outcome.token !== undefined) target.setHeader(outcome.token.header, outcome.token.value);
  if (outcome.cacheControl !== undefined) target.setHeader('Cache-Control', outcome.cacheControl);
}
