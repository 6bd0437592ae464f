import { SessError } from '@sess/core';
import type { SubscriberClient } from './invalidation-channel.js';
import type { NodeRedisClient } from './node-redis-client.js';
import { sendCommand } from './send-command.js';
import type { DataConnectionEvents, TrackingTarget } from './tracking-target.js';

/** The options of a node-redis client, as far as duplicating it for invalidations needs them. */
interface ClientOptions {
  readonly socket?: { readonly host?: string; readonly port?: number; readonly path?: string };
}

/** The events a node-redis client emits about its connection. */
interface ClientEvents {
  on(event: 'error' | 'end' | 'ready', listener: () => void): unknown;
  off(event: 'error' | 'end' | 'ready', listener: () => void): unknown;
}

/**
 * A plain node-redis client as a tracking target: the standalone client, or a Cluster master's
 * node client. Its invalidation channel is a duplicate (same server, credentials, TLS, database)
 * that does not reconnect by itself.
 */
export function clientTarget(client: NodeRedisClient): TrackingTarget {
  const options = (client.options ?? {}) as ClientOptions;
  const socket = options.socket ?? {};
  const address =
    socket.path ??
    `${socket.host ?? 'localhost'}:${socket.port === undefined ? 6379 : socket.port}`;
  return {
    address,
    get closed() {
      return !client.isOpen;
    },
    send(args) {
      // Fails fast, also on a client of the user's with its offline queue on: a command queued
      // for the next connection would run there, untracked.
      if (!client.isReady) {
        return Promise.reject(new SessError('UNAVAILABLE', `the connection to ${address} is down`));
      }
      return sendCommand(client, args);
    },
    invalidationClient() {
      const duplicate = client.duplicate as (overrides: object) => NodeRedisClient;
      return duplicate.call(client, {
        disableOfflineQueue: true,
        socket: { ...socket, reconnectStrategy: false },
      }) as SubscriberClient;
    },
    watch(events: DataConnectionEvents) {
      const emitter = client as unknown as ClientEvents;
      const lost = (): void => events.lost();
      const ready = (): void => events.ready();
      emitter.on('error', lost);
      emitter.on('end', lost);
      emitter.on('ready', ready);
      return () => {
        emitter.off('error', lost);
        emitter.off('end', lost);
        emitter.off('ready', ready);
      };
    },
  };
}
