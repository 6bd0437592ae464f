import type { ExpiryLedger } from './expiry-ledger.js';

/** N simulated application instances, with one way of handling session expiry. */
export interface Fleet {
  readonly name: 'sess' | 'replica';
  /** How the run is labelled in the output. */
  readonly label: string;
  readonly ledger: ExpiryLedger;
  /** The cleaner tick (sess) or the cleanup cron period (replica), ms. */
  readonly tickMs: number;
  /** Connects the instances and whatever they listen with. Not measured. */
  start(): Promise<void>;
  /** The run's clock starts: minute boundaries count from `t0` (epoch ms). */
  begin(t0: number): void;
  /** A user signs in on instance `instance`. */
  signIn(instance: number, user: string): Promise<void>;
  /** Nothing more in flight (handlers, crons), so the run can end. */
  idle(): boolean;
  /**
   * Checks the sessions whose expiry + 2 ticks has passed since the last call: how many are
   * still in Redis. Undefined when checking would change what is measured.
   */
  probe?(now: number): Promise<{ checked: number; present: number; commands: number }>;
  stop(): Promise<void>;
}
