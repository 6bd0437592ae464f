import { SessError } from '@sess/core';
import type { ConnectFailureKind } from './connect-failure.js';
import type { StartupHints } from './startup-hints.js';
import type { ServerAddress } from './transport-probe.js';

/** Which connections failed: the data connections, or those to the Sentinels. */
export type ConnectionSide = 'data' | 'sentinel';

const WHY: Record<ConnectFailureKind, string> = {
  credentials: 'Redis refused the credentials',
  permission: 'the user may not run a command every connection sends',
  database: 'Redis refused the database number',
  host: 'the host name does not resolve',
  tls: 'the TLS handshake failed',
  certificate: "the server's TLS certificate was not accepted",
  'not-cluster':
    'the server is not a Redis Cluster node (cluster-enabled no); for one server, use `url`',
};

/**
 * The error a port fails to open with when retrying cannot help. `INVALID_OPTION`, not
 * `UNAVAILABLE`: the server is there and answered, and what it answered says the
 * configuration is wrong (or the server's is); waiting for `connectTimeout` would change
 * nothing. The message starts with the option to fix and ends with the server's or the
 * system's own words; the `cause` is what the server or the system answered (an option that
 * fails validation before any connection has none).
 */
export function startupFailure(
  kind: ConnectFailureKind,
  error: Error,
  hints: StartupHints,
  side: ConnectionSide = 'data',
  where?: string,
): SessError {
  const why =
    kind === 'credentials' && error.message.startsWith('NOAUTH ')
      ? 'Redis wants a password and none was sent'
      : error instanceof TypeError
        ? 'node-redis refused the TLS setting'
        : WHY[kind];
  const at = where === undefined ? '' : ` (${where})`;
  return new SessError(
    'INVALID_OPTION',
    `${optionFor(kind, hints, side)}: ${why}${at}: ${error.message}`,
    {
      cause: error,
    },
  );
}

/** TLS is on, and the servers answered a plain-text `PING`. */
export function plainTextServer(hints: StartupHints, servers: readonly ServerAddress[]): SessError {
  return new SessError(
    'INVALID_OPTION',
    `${hints.tls}: TLS is on, but ${listed(servers)} answered in plain text: turn TLS off here (redis://), or on in Redis`,
    { cause: new Error(`${listed(servers)} answered a plain-text PING`) },
  );
}

/** TLS is off, and the servers closed plain-text connections but complete a TLS handshake. */
export function tlsServer(hints: StartupHints, servers: readonly ServerAddress[]): SessError {
  return new SessError(
    'INVALID_OPTION',
    `${hints.tls}: ${listed(servers)} closed the plain-text connection and speaks TLS: turn TLS on here (rediss://, or tls: true)`,
    { cause: new Error(`${listed(servers)} completed a TLS handshake`) },
  );
}

function optionFor(kind: ConnectFailureKind, hints: StartupHints, side: ConnectionSide): string {
  switch (kind) {
    case 'credentials':
    case 'permission':
      return side === 'sentinel' ? hints.sentinelCredentials : hints.credentials;
    case 'database':
      return hints.database;
    case 'host':
    case 'not-cluster':
      return hints.host;
    case 'tls':
      return hints.tls;
    case 'certificate':
      return hints.certificate;
  }
}

function listed(servers: readonly ServerAddress[]): string {
  const addresses = servers.map(({ host, port }) => `${host}:${port}`);
  return addresses.length === 1
    ? `the server at ${addresses[0]}`
    : `the servers at ${addresses.join(', ')}`;
}
