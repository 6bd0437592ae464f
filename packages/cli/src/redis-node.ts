import type { RedisPort } from '@sess/core';
import type { RedisReply } from '@sess/core/port';
import { createClient } from 'redis';
import type { HostPort, NodeAccess } from './cli-arguments.js';
import { CliError } from './cli-error.js';
import { refusalOf } from './command-refused.js';
import { ExitCode } from './exit-codes.js';
import type { TlsMaterial } from './tls-material.js';
import { withTimeout } from './with-timeout.js';

/** One Redis server (or sentinel) the CLI asks about itself: INFO, PING, TIME, SENTINEL... */
export interface RedisNode {
  /** `host:port`, for display. */
  readonly address: string;
  /** Rejects with a `CommandRefusedError` when the server refuses the command to this user. */
  call(args: readonly (string | number)[]): Promise<RedisReply>;
  close(): Promise<void>;
}

export function formatAddress({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Keyless commands through the store's port: to the server (standalone) or a master (Cluster). */
export function portNode(port: RedisPort, address: string, timeout: number): RedisNode {
  return {
    address,
    call: ([command, ...args]) =>
      withTimeout(
        port
          .send(
            { command: String(command), keys: [], args },
            { signal: AbortSignal.timeout(timeout) },
          )
          .catch((error: unknown) => {
            throw refusalOf(error, [String(command), ...args]);
          }),
        timeout,
        `${command} on ${address}`,
      ),
    // The port belongs to the connection, which closes it.
    close: async () => undefined,
  };
}

/**
 * A connection of its own to one node (a sentinel, a Cluster master), RESP2, no reconnects:
 * the CLI asks a few questions and leaves. Fails with exit code 3 when it cannot connect.
 */
export async function openNode(
  address: HostPort,
  access: NodeAccess,
  timeout: number,
  tls?: TlsMaterial,
): Promise<RedisNode> {
  const name = formatAddress(address);
  const client = createClient({
    RESP: 2,
    disableClientInfo: true,
    disableOfflineQueue: true,
    username: access.username,
    password: access.password,
    socket: access.tls
      ? {
          ...tls,
          tls: true,
          host: address.host,
          port: address.port,
          connectTimeout: timeout,
          reconnectStrategy: false,
        }
      : {
          host: address.host,
          port: address.port,
          connectTimeout: timeout,
          reconnectStrategy: false,
        },
  });
  // Failures surface through the calls; an unhandled 'error' event would end the process.
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), timeout, `connecting to ${name}`);
  } catch (error) {
    client.destroy();
    throw new CliError(
      ExitCode.unreachable,
      'UNREACHABLE',
      `cannot connect to ${name}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return {
    address: name,
    call: (args) =>
      withTimeout(
        (client.sendCommand(args.map(String)) as Promise<RedisReply>).catch((error: unknown) => {
          throw refusalOf(error, args);
        }),
        timeout,
        `${args[0]} on ${name}`,
      ),
    close: async () => {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}
