import { SessError } from '@sess/core';
import { closeClient } from './close-client.js';
import { connectWithin } from './connect-within.js';
import type { ConnectionLink, Route } from './connection-link.js';
import { LoadedScripts } from './loaded-scripts.js';
import type { NodeRedisClient } from './node-redis-client.js';
import { sendCommand } from './send-command.js';
import { standaloneStartup } from './standalone-startup.js';
import type { StartupHints } from './startup-hints.js';

/** One standalone server, one connection (`createClient()`). */
export class StandaloneLink implements ConnectionLink {
  readonly topology = 'standalone' as const;
  readonly #client: NodeRedisClient;
  readonly #scripts = new LoadedScripts();
  readonly #route: Route;
  // `isReady` turns true just before `ready` fires, and the port sends nothing while it is
  // false: no call reaches a new connection before the set is cleared.
  readonly #onReady = (): void => this.#scripts.clear();
  #onError: ((error: Error) => void) | undefined;

  constructor(client: NodeRedisClient) {
    this.#client = client;
    this.#route = { scripts: this.#scripts, send: (args) => sendCommand(client, args) };
  }

  get client(): NodeRedisClient {
    return this.#client;
  }

  assertReady(): void {
    if (this.#client.isReady) return;
    const state = this.#client.isOpen ? 'down (reconnecting)' : 'closed';
    throw new SessError('UNAVAILABLE', `the connection to Redis is ${state}`);
  }

  route(): Route {
    return this.#route;
  }

  attach(onError: (error: Error) => void): void {
    this.#onError = onError;
    this.#client.on('error', onError);
    this.#client.on('ready', this.#onReady);
  }

  detach(): void {
    if (this.#onError) this.#client.off('error', this.#onError);
    this.#client.off('ready', this.#onReady);
  }

  open(timeout: number, hints: StartupHints): Promise<void> {
    return connectWithin(this.#client, timeout, standaloneStartup(this.#client, hints));
  }

  duplicate(): StandaloneLink {
    return new StandaloneLink(this.#client.duplicate({ disableOfflineQueue: true }));
  }

  close(graceMs: number): Promise<void> {
    return closeClient(this.#client, graceMs);
  }
}
