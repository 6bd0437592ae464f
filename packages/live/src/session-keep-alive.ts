import type { SessionStore } from '@sess/core';

/** What a keep-alive came to: the expiry moved, no touch was due yet, or the session is gone. */
export type KeepAliveOutcome = 'touched' | 'not-due' | 'gone';

/**
 * Treats activity on a live connection as a request that reads its session: loads it and, when
 * the store's `touchInterval` says a touch is due, commits it (the touch alone: nothing else
 * changed). The load is fresh each time, so the touch follows the session's current lifetime
 * policy, as an HTTP request's would.
 */
export async function keepAlive(store: SessionStore, id: string): Promise<KeepAliveOutcome> {
  const record = await store.load(id);
  if (record === null) return 'gone';
  if (!store.needsCommit(record)) return 'not-due';
  return (await store.commit(record)) === 'gone' ? 'gone' : 'touched';
}
