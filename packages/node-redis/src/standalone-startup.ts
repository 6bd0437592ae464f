import type { SessError } from '@sess/core';
import { connectFailureKind } from './connect-failure.js';
import { asError, gaveUp } from './connect-within.js';
import type { NodeRedisClient } from './node-redis-client.js';
import { passwordCheck } from './password-check.js';
import { sendCommand } from './send-command.js';
import { startupFailure } from './startup-failure.js';
import type { StartupHints } from './startup-hints.js';
import type { StartupWatch } from './startup-watch.js';
import { TransportCheck } from './transport-check.js';
import type { ServerAddress } from './transport-probe.js';

const TARGET = 'Redis';

/**
 * The watch of one standalone connection while it opens: every failed attempt emits its
 * error, and one retrying cannot fix ends the opening at once.
 */
export function standaloneStartup(client: NodeRedisClient, hints: StartupHints): StartupWatch {
  const socket = (client.options?.socket ?? {}) as {
    host?: string;
    port?: number;
    path?: string;
    tls?: boolean;
  };
  const server: ServerAddress | undefined =
    socket.path === undefined
      ? { host: socket.host ?? 'localhost', port: socket.port ?? 6379 }
      : undefined;
  const transport = new TransportCheck(socket.tls === true, server ? [server] : [], hints);
  let lastError: Error | undefined;
  let connected = false;
  let fail: (error: SessError) => void = () => {};
  const onError = (error: unknown): void => {
    const seen = asError(error);
    lastError = seen;
    transport.seen(seen);
    const kind = connectFailureKind(seen);
    if (kind) fail(startupFailure(kind, seen, hints));
  };
  const onConnect = (): void => {
    connected = true;
    transport.connected();
  };
  return {
    target: TARGET,
    get lastError() {
      return lastError;
    },
    get silence() {
      return connected
        ? 'the server accepted the connection and did not answer its handshake (paused or overloaded?)'
        : 'no attempt to connect ended within that time (a host that drops packets?)';
    },
    start(onFail) {
      fail = onFail;
      client.on('error', onError);
      client.on('connect', onConnect);
      transport.start(onFail);
    },
    stop() {
      client.off('error', onError);
      client.off('connect', onConnect);
      transport.stop();
    },
    rejected: (error) => gaveUp(TARGET, error, lastError),
    verify: () => passwordCheck((args) => sendCommand(client, args), hints),
  };
}
