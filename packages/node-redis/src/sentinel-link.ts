import { SessError } from '@sess/core';
import { closeClient } from './close-client.js';
import { asError, connectWithin } from './connect-within.js';
import type { ConnectionLink, Route } from './connection-link.js';
import { LoadedScripts } from './loaded-scripts.js';
import type { NodeRedisSentinel, NodeRedisSentinelEvent } from './node-redis-client.js';
import { COMMAND_OPTIONS } from './send-command.js';
import { sentinelStartup } from './sentinel-startup.js';
import type { StartupHints } from './startup-hints.js';

/**
 * A master found through Redis Sentinel (`createSentinel()`). Every call goes to the master.
 * A call goes only while the client has a ready connection to it: node-redis would otherwise
 * hold the call and ask the Sentinels again and again until a failover completes.
 */
export class SentinelLink implements ConnectionLink {
  readonly topology = 'sentinel' as const;
  readonly #sentinel: NodeRedisSentinel;
  readonly #scripts = new LoadedScripts();
  readonly #route: Route;
  #onError: ((error: Error) => void) | undefined;
  readonly #onSentinelError = (error: unknown): void => this.#onError?.(asError(error));
  // A new master, or the connection to it made again: its script cache may be empty.
  readonly #onTopologyChange = (event: NodeRedisSentinelEvent): void => {
    if (event.type === 'MASTER_CHANGE') this.#scripts.clear();
  };
  readonly #onReady = (): void => this.#scripts.clear();

  constructor(sentinel: NodeRedisSentinel) {
    this.#sentinel = sentinel;
    this.#route = {
      scripts: this.#scripts,
      send: (args) => {
        try {
          return sentinel.sendCommand(false, [...args], COMMAND_OPTIONS);
        } catch (error) {
          return Promise.reject(error);
        }
      },
    };
  }

  get client(): NodeRedisSentinel {
    return this.#sentinel;
  }

  assertReady(): void {
    if (!this.#sentinel.isOpen) {
      throw new SessError('UNAVAILABLE', 'the Redis Sentinel client is closed');
    }
    if (!this.#sentinel.isReady || this.#sentinel.getMasterNode() === undefined) {
      throw new SessError(
        'UNAVAILABLE',
        'no connection to the Redis master (down, or a failover is under way)',
      );
    }
  }

  route(): Route {
    return this.#route;
  }

  attach(onError: (error: Error) => void): void {
    this.#onError = onError;
    this.#sentinel.on('error', this.#onSentinelError);
    this.#sentinel.on('topology-change', this.#onTopologyChange);
    this.#sentinel.on('ready', this.#onReady);
  }

  detach(): void {
    this.#sentinel.off('error', this.#onSentinelError);
    this.#sentinel.off('topology-change', this.#onTopologyChange);
    this.#sentinel.off('ready', this.#onReady);
  }

  open(timeout: number, hints: StartupHints): Promise<void> {
    return connectWithin(this.#sentinel, timeout, sentinelStartup(this.#sentinel, hints));
  }

  duplicate(): SentinelLink {
    return new SentinelLink(this.#sentinel.duplicate());
  }

  close(graceMs: number): Promise<void> {
    return closeClient(this.#sentinel, graceMs);
  }
}
