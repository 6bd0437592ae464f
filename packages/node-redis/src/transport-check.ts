import type { SessError } from '@sess/core';
import { isClosedByServer } from './connect-failure.js';
import { plainTextServer, tlsServer } from './startup-failure.js';
import type { StartupHints } from './startup-hints.js';
import { answersPlainText, completesTlsHandshake, type ServerAddress } from './transport-probe.js';

/**
 * How long a connection with TLS on may take to open before the port asks whether the server
 * speaks plain text. Past a TLS handshake on a local network; a slower link only costs the
 * server one plain-text `PING` it refuses.
 */
const PLAIN_TEXT_PROBE_AFTER_MS = 150;
/** How long one probe may take. */
const PROBE_TIMEOUT_MS = 1_000;

/**
 * Finds TLS on one side only, which node-redis cannot tell from a slow server: a TLS client
 * gets no answer from a plain-text Redis (it waits for a line that never ends) and retries
 * until `connectTimeout`; a plain-text client sees a TLS server close the connection, as a
 * server on its way down would. One probe per opening, of every server the user named; it
 * fails the opening only when all of them answer the same way.
 */
export class TransportCheck {
  readonly #tls: boolean;
  readonly #servers: readonly ServerAddress[];
  readonly #hints: StartupHints;
  readonly #stopped = new AbortController();
  #fail: ((error: SessError) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #probed = false;

  /** `servers`: those the user named (none: nothing is probed). */
  constructor(tls: boolean, servers: readonly ServerAddress[], hints: StartupHints) {
    this.#tls = tls;
    this.#servers = servers;
    this.#hints = hints;
  }

  /** With TLS on, probes for plain text once the connection has taken a moment. */
  start(fail: (error: SessError) => void): void {
    this.#fail = fail;
    if (!this.#tls) return;
    this.#timer = setTimeout(
      () => this.#probe(answersPlainText, plainTextServer),
      PLAIN_TEXT_PROBE_AFTER_MS,
    );
  }

  /** A connection is up: TLS matches. */
  connected(): void {
    clearTimeout(this.#timer);
  }

  /** An error of a connection attempt: with TLS off, a connection the server closed. */
  seen(error: unknown): void {
    if (!this.#tls && isClosedByServer(error)) this.#probe(completesTlsHandshake, tlsServer);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#stopped.abort();
  }

  #probe(
    check: (server: ServerAddress, ms: number, signal: AbortSignal) => Promise<boolean>,
    failure: (hints: StartupHints, servers: readonly ServerAddress[]) => SessError,
  ): void {
    if (this.#probed || this.#servers.length === 0) return;
    this.#probed = true;
    const signal = this.#stopped.signal;
    void Promise.all(this.#servers.map((server) => check(server, PROBE_TIMEOUT_MS, signal))).then(
      (verdicts) => {
        if (!signal.aborted && verdicts.every(Boolean)) {
          this.#fail?.(failure(this.#hints, this.#servers));
        }
      },
    );
  }
}
