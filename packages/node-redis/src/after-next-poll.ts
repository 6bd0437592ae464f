/**
 * Runs each queued item once the event loop has been through a whole turn after it was queued:
 * the rest of the turn it came in (its closed connections included) and the reading of the
 * sockets in the next one. A read answered from the cache waits here, so that whatever reached
 * this process no later than the request (an invalidation, the end of a connection) is applied
 * before the answer, whichever socket the loop happened to read first.
 *
 * Why a whole turn, not the check phase of the same one: an invalidation can be read in the
 * same poll phase as the request but after it, which the check phase would cover; a connection
 * Redis closed is only noticed in the close phase, after the check phase; and Redis writes a
 * change's reply before the invalidations it causes (it flushes the most recently touched
 * client first), so on one host the invalidation may land just after the poll phase that read
 * the reply. The next turn's poll, which does not block while an immediate is due, reads it.
 */
export class AfterNextPoll<T> {
  readonly #run: (item: T) => void;
  #arriving: T[] = [];
  #ripe: T[] = [];
  #scheduled = false;

  constructor(run: (item: T) => void) {
    this.#run = run;
  }

  push(item: T): void {
    this.#arriving.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#tick);
  }

  /** In the check phase: what came before the previous tick is ripe; what came since waits one more. */
  readonly #tick = (): void => {
    const ripe = this.#ripe;
    this.#ripe = this.#arriving;
    this.#arriving = [];
    for (const item of ripe) this.#run(item);
    // Immediates queued while the check phase runs wait for the next turn.
    if (this.#ripe.length > 0 || this.#arriving.length > 0) setImmediate(this.#tick);
    else this.#scheduled = false;
  };
}
