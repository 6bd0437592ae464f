import type { SessError } from '@sess/core';

/**
 * What `connectWithin` learns from one kind of client while it opens: which of its errors
 * mean that retrying cannot help (the opening then fails at once), what it saw last (for the
 * message when time runs out), and whether a `connect()` that gave up may be called again.
 */
export interface StartupWatch {
  /** What is being connected to, for messages: `Redis`, `the Redis Cluster`, ... */
  readonly target: string;
  /** The most recent error of a connection attempt. */
  readonly lastError: Error | undefined;
  /** Why nothing was seen, when no attempt ended with an error. */
  readonly silence: string;
  /** Starts listening to the client; `fail` ends the opening at once with that error. */
  start(fail: (error: SessError) => void): void;
  /** Stops listening and ends whatever it started. */
  stop(): void;
  /**
   * `connect()` rejected (node-redis gave up): the delay (ms) before calling it again, or
   * the error to fail with.
   */
  rejected(error: Error, attempt: number): number | SessError;
  /** After `connect()`: what only a first call shows (a password the server wants). */
  verify(): Promise<SessError | undefined>;
}
