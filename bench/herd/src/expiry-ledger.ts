/**
 * What happened to the sessions of one run: when each was due to expire, and every time an
 * instance was told it had expired. A delivery is one handler call on one instance.
 */
export class ExpiryLedger {
  readonly #expiresAt = new Map<string, number>();
  readonly #firstReport = new Map<string, number>();
  #deliveries = 0;
  #unknown = 0;

  signedIn(id: string, expiresAt: number): void {
    this.#expiresAt.set(id, expiresAt);
  }

  delivered(id: string, at = Date.now()): void {
    if (!this.#expiresAt.has(id)) {
      this.#unknown++;
      return;
    }
    this.#deliveries++;
    if (!this.#firstReport.has(id)) this.#firstReport.set(id, at);
  }

  get signIns(): number {
    return this.#expiresAt.size;
  }

  /** Sessions reported expired at least once. */
  get expired(): number {
    return this.#firstReport.size;
  }

  get deliveries(): number {
    return this.#deliveries;
  }

  /** Deliveries about sessions this run did not create (none expected). */
  get strays(): number {
    return this.#unknown;
  }

  /** The latest expiry of any session. */
  get lastExpiry(): number {
    let last = 0;
    for (const at of this.#expiresAt.values()) last = Math.max(last, at);
    return last;
  }

  expiresAt(id: string): number | undefined {
    return this.#expiresAt.get(id);
  }

  /** Sessions due by `now` (epoch ms) that nobody reported yet. */
  unreported(now: number): number {
    let count = 0;
    for (const [id, at] of this.#expiresAt) if (at <= now && !this.#firstReport.has(id)) count++;
    return count;
  }

  /** First report minus expiry, per reported session (ms). */
  lateness(): number[] {
    const out: number[] = [];
    for (const [id, reported] of this.#firstReport) {
      out.push(reported - (this.#expiresAt.get(id) as number));
    }
    return out.sort((a, b) => a - b);
  }

  /** Ids with their expiry, for probes. */
  entries(): IterableIterator<[string, number]> {
    return this.#expiresAt.entries();
  }
}
