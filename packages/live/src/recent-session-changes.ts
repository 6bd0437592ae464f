import type { LiveEndReason } from './live-end-reason.js';

/** What became of a session id: it moved to another id, or it ended. */
export type SessionChange =
  | { readonly movedTo: string; readonly principal: string | undefined; readonly ended?: undefined }
  | { readonly ended: LiveEndReason; readonly movedTo?: undefined };

/** Where a session stands after the changes remembered. */
export interface SessionWhereabouts {
  readonly id: string;
  readonly principal: string | undefined;
  readonly ended: LiveEndReason | undefined;
}

interface Remembered {
  readonly change: SessionChange;
  readonly at: number;
}

/**
 * The session ids that moved or ended lately. A connection is registered after its upgrade
 * request loaded the session; when the session moves or ends between that load and the
 * registration, its event has gone by already, and this is where the registration learns of
 * it. Kept for `keepFor` ms and at most `limit` ids, the oldest forgotten first.
 */
export class RecentSessionChanges {
  readonly #changes = new Map<string, Remembered>();
  readonly #keepFor: number;
  readonly #limit: number;

  constructor(keepFor: number, limit: number) {
    this.#keepFor = keepFor;
    this.#limit = limit;
  }

  get size(): number {
    return this.#changes.size;
  }

  remember(id: string, change: SessionChange, now: number): void {
    this.#forget(now);
    this.#changes.delete(id);
    this.#changes.set(id, { change, at: now });
    if (this.#changes.size > this.#limit) {
      const oldest = this.#changes.keys().next().value;
      if (oldest !== undefined) this.#changes.delete(oldest);
    }
  }

  /**
   * Where a session that was `id` of `principal` stands now: its id after every move
   * remembered, its principal, and the end it came to, if any (`principal-changed` when a move
   * signed it in as someone else).
   */
  follow(id: string, principal: string | undefined): SessionWhereabouts {
    let current = id;
    let who = principal;
    // A chain longer than the ids remembered would be a loop: ids are never reused.
    for (let hops = 0; hops <= this.#changes.size; hops++) {
      const change = this.#changes.get(current)?.change;
      if (change === undefined) break;
      if (change.ended !== undefined) return { id: current, principal: who, ended: change.ended };
      if (principalChanged(who, change.principal)) {
        return { id: current, principal: who, ended: 'principal-changed' };
      }
      current = change.movedTo;
      who = change.principal ?? who;
    }
    return { id: current, principal: who, ended: undefined };
  }

  /** Drops what is older than `keepFor`: entries are in the order they were remembered. */
  #forget(now: number): void {
    for (const [id, remembered] of this.#changes) {
      if (now - remembered.at < this.#keepFor) return;
      this.#changes.delete(id);
    }
  }
}

/** A move from a signed-in principal to another: the connection was someone else's. */
export function principalChanged(before: string | undefined, after: string | undefined): boolean {
  return before !== undefined && after !== undefined && after !== before;
}
