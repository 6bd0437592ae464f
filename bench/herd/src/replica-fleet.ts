import { ExpiryLedger } from './expiry-ledger.js';
import type { Fleet } from './fleet.js';
import type { HerdOptions } from './herd-options.js';
import { ReplicaClock, SpringReplicaInstance } from './spring-replica.js';

/** The other side: N instances running the replica of Spring Session's documented algorithm. */
export class ReplicaFleet implements Fleet {
  readonly name = 'replica';
  readonly label = 'replica of Spring Session’s documented algorithm';
  readonly ledger = new ExpiryLedger();
  readonly tickMs: number;
  readonly #instances: SpringReplicaInstance[] = [];
  readonly #url: string;
  readonly #options: HerdOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(url: string, options: HerdOptions) {
    this.#url = url;
    this.#options = options;
    this.tickMs = options.minuteMs;
  }

  async start(): Promise<void> {
    const idleMs = Math.round(this.#options.idleMinutes * this.#options.minuteMs);
    for (let i = 0; i < this.#options.instances; i++) {
      const instance = new SpringReplicaInstance(
        this.#url,
        idleMs,
        this.#options.minuteMs,
        this.ledger,
      );
      await instance.start();
      this.#instances.push(instance);
    }
  }

  begin(t0: number): void {
    const clock = new ReplicaClock(t0, this.#options.minuteMs);
    for (const instance of this.#instances) instance.begin(clock);
    this.#scheduleCron(clock);
  }

  /**
   * The top of every minute, on every instance at the same moment: all their SMEMBERS go out
   * before any DEL can (the article's case of clocks in sync). A run still busy when the next
   * minute comes does not hold that one up.
   */
  #scheduleCron(clock: ReplicaClock): void {
    if (this.#stopped) return;
    const next = clock.roundUp(Date.now());
    this.#timer = setTimeout(() => {
      for (const instance of this.#instances) void instance.cleanExpiredSessions(next);
      this.#scheduleCron(clock);
    }, next - Date.now());
  }

  signIn(instance: number, user: string): Promise<void> {
    return (this.#instances[instance % this.#instances.length] as SpringReplicaInstance).signIn(
      user,
    );
  }

  idle(): boolean {
    return this.#instances.every((instance) => !instance.busy);
  }

  messages(): { expiresKeys: number; otherKeys: number; created: number } {
    const total = { expiresKeys: 0, otherKeys: 0, created: 0 };
    for (const instance of this.#instances) {
      total.expiresKeys += instance.messages.expiresKeys;
      total.otherKeys += instance.messages.otherKeys;
      total.created += instance.messages.created;
    }
    return total;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.all(this.#instances.map((instance) => instance.stop()));
  }
}
