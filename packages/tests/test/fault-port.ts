import { type RedisPort, SessError } from '@sess/core';
import type { CallOptions, CommandCall, PortCall, RedisReply, ScriptCall } from '@sess/core/port';

/**
 * What a fault does to the round trip it hits:
 * - `lost-before`: the connection died before the calls went out (Redis saw nothing);
 * - `lost-after`: Redis ran the calls, the connection died before the reply came back;
 * - `around`: `before()` runs first (fill Redis' memory, pause the server, kill the
 *   connection...), then the calls go out as usual.
 */
export type Fault =
  | { readonly kind: 'lost-before' }
  | { readonly kind: 'lost-after' }
  | { readonly kind: 'around'; readonly before: () => Promise<void> | void };

/**
 * A port that hits the n-th round trip after `arm(n, fault)` with a fault, and records the
 * calls of every round trip (to find, say, the id of a session created by a call that failed).
 */
export class FaultPort implements RedisPort {
  readonly #port: RedisPort;
  #countdown = 0;
  #fault: Fault | undefined;
  /** Round trips since creation, in order: the calls of each. */
  readonly roundTrips: PortCall[][] = [];

  constructor(port: RedisPort) {
    this.#port = port;
  }

  get capabilities() {
    return this.#port.capabilities;
  }

  /** Hits the `n`-th round trip from now (1 = the next one). */
  arm(n: number, fault: Fault): void {
    this.#countdown = n;
    this.#fault = fault;
  }

  /** Whether the armed fault has struck. */
  get struck(): boolean {
    return this.#fault === undefined;
  }

  disarm(): void {
    this.#fault = undefined;
    this.#countdown = 0;
  }

  send(call: CommandCall, options?: CallOptions): Promise<RedisReply> {
    return this.#through([call], () => this.#port.send(call, options));
  }

  script(call: ScriptCall, options?: CallOptions): Promise<RedisReply> {
    return this.#through([call], () => this.#port.script(call, options));
  }

  batch(calls: readonly PortCall[], options?: CallOptions): Promise<Array<RedisReply | Error>> {
    return this.#through(calls, () => this.#port.batch(calls, options));
  }

  dedicated(): Promise<RedisPort> {
    return this.#port.dedicated();
  }

  async close(): Promise<void> {}

  async #through<T>(calls: readonly PortCall[], forward: () => Promise<T>): Promise<T> {
    this.roundTrips.push([...calls]);
    const fault = this.#fault;
    if (fault === undefined || --this.#countdown > 0) return forward();
    this.#fault = undefined;
    switch (fault.kind) {
      case 'lost-before':
        throw new SessError('UNAVAILABLE', 'fault: the connection died before the calls went out');
      case 'lost-after':
        await forward().catch(() => undefined);
        throw new SessError('UNAVAILABLE', 'fault: the connection died before the reply came');
      case 'around':
        await fault.before();
        return forward();
    }
  }
}
