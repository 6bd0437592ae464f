import { SessError } from '@sess/core';
import { createClient } from 'redis';
import type { SubscriberClient } from './invalidation-channel.js';
import type { NodeRedisSentinel, NodeRedisSentinelEvent } from './node-redis-client.js';
import { COMMAND_OPTIONS } from './send-command.js';
import type { DataConnectionEvents, TrackingTarget } from './tracking-target.js';

/** A `client-error` event of a Sentinel client: which of its connections failed. */
interface SentinelClientError {
  readonly type: string;
}

/** The Sentinel client's events about its connections, beyond those the port's types list. */
interface SentinelEvents {
  on(event: 'client-error', listener: (event: SentinelClientError) => void): unknown;
  on(event: 'topology-change', listener: (event: NodeRedisSentinelEvent) => void): unknown;
  on(event: 'ready' | 'reconnecting' | 'end', listener: () => void): unknown;
  off(event: 'client-error', listener: (event: SentinelClientError) => void): unknown;
  off(event: 'topology-change', listener: (event: NodeRedisSentinelEvent) => void): unknown;
  off(event: 'ready' | 'reconnecting' | 'end', listener: () => void): unknown;
}

/**
 * The master of a Sentinel set as a tracking target: the port's calls go on the client's
 * reserved connection to the master, so tracking is set up there (through `sendCommand`). Its
 * invalidation channel is a plain client to the master the Sentinel client is connected to,
 * opened with `nodeOptions` (the port's options for the master's connections). A failover, or
 * any error of a connection to the master, counts as a loss: tracking is set up again on the
 * master the client follows then.
 */
export function sentinelTarget(sentinel: NodeRedisSentinel, nodeOptions: object): TrackingTarget {
  const master = (): { host: string; port: number } => {
    const node = sentinel.getMasterNode();
    if (!sentinel.isReady || node === undefined) {
      throw new SessError('UNAVAILABLE', 'no connection to the Redis master');
    }
    return node;
  };
  return {
    get address() {
      const node = sentinel.getMasterNode();
      return node === undefined ? 'the Sentinel master' : `${node.host}:${node.port}`;
    },
    get closed() {
      return !sentinel.isOpen;
    },
    send(args) {
      try {
        master();
        return sentinel.sendCommand(false, [...args], COMMAND_OPTIONS);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    invalidationClient() {
      const { host, port } = master();
      const options = nodeOptions as { socket?: object };
      return createClient({
        ...options,
        RESP: 2,
        disableOfflineQueue: true,
        socket: { ...options.socket, host, port, reconnectStrategy: false },
      } as Parameters<typeof createClient>[0]) as unknown as SubscriberClient;
    },
    watch(events: DataConnectionEvents) {
      const emitter = sentinel as unknown as SentinelEvents;
      const clientError = (event: SentinelClientError): void => {
        if (event.type === 'MASTER') events.lost();
      };
      const topologyChange = (event: NodeRedisSentinelEvent): void => {
        if (event.type === 'MASTER_CHANGE') events.lost();
      };
      const lost = (): void => events.lost();
      const ready = (): void => events.ready();
      emitter.on('client-error', clientError);
      emitter.on('topology-change', topologyChange);
      emitter.on('reconnecting', lost);
      emitter.on('end', lost);
      emitter.on('ready', ready);
      return () => {
        emitter.off('client-error', clientError);
        emitter.off('topology-change', topologyChange);
        emitter.off('reconnecting', lost);
        emitter.off('end', lost);
        emitter.off('ready', ready);
      };
    },
  };
}
