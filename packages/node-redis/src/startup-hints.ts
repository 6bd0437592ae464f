import type { ResolvedPortOptions } from './port-options.js';
import type { ServerAddress } from './transport-probe.js';

/**
 * What the port knows of its configuration that explains a failed opening: the option a
 * message names, per kind of failure (where the user fixes it), and the Sentinels, which a
 * Sentinel client does not show. Computed from the options of a port that creates its
 * client; for a client of the user's, the fix is in how they created it (`client`).
 */
export interface StartupHints {
  /** Username and password of the data connections (the server, the master, every node). */
  readonly credentials: string;
  /** Username and password of the Sentinels. */
  readonly sentinelCredentials: string;
  readonly database: string;
  /** The host names the user gave: the server, the Sentinels, the root nodes. */
  readonly host: string;
  /** Whether connections use TLS. */
  readonly tls: string;
  /** What makes the server's certificate trusted (CA, server name). */
  readonly certificate: string;
  /** The Sentinels the user named (none: not known, or not a Sentinel port). */
  readonly sentinelNodes: readonly ServerAddress[];
  /** Whether connections to the Sentinels use TLS. */
  readonly sentinelTls: boolean;
}

/** For a client of the user's. */
export const CLIENT_HINTS: StartupHints = {
  credentials: 'client',
  sentinelCredentials: 'client',
  database: 'client',
  host: 'client',
  tls: 'client',
  certificate: 'client',
  sentinelNodes: [],
  sentinelTls: false,
};

export function startupHints(options: ResolvedPortOptions): StartupHints {
  if (options.client !== undefined) return CLIENT_HINTS;
  const general = options.clientOptions as {
    username?: unknown;
    password?: unknown;
    database?: unknown;
    socket?: { host?: unknown; tls?: unknown };
  };
  const generalCredentials = given([
    ['clientOptions.username', general.username],
    ['clientOptions.password', general.password],
  ]);
  const database = 'clientOptions.database';
  const { sentinel, cluster } = options;
  if (sentinel) {
    return {
      credentials:
        given([
          ['sentinel.username', sentinel.username],
          ['sentinel.password', sentinel.password],
        ]) ??
        generalCredentials ??
        'sentinel.password',
      sentinelCredentials:
        given([
          ['sentinel.sentinelUsername', sentinel.sentinelUsername],
          ['sentinel.sentinelPassword', sentinel.sentinelPassword],
        ]) ?? 'sentinel.sentinelPassword',
      database,
      host: 'sentinel.nodes',
      tls: 'sentinel.tls',
      certificate: 'sentinel.tls (ca, servername)',
      sentinelNodes: sentinel.nodes.map(({ host, port }) => ({ host, port })),
      sentinelTls: sentinel.tls !== undefined && sentinel.tls !== false,
    };
  }
  if (cluster) {
    const urlTls = cluster.rootNodes.some((node) =>
      (typeof node === 'string' ? node : 'url' in node ? node.url : '').startsWith('rediss:'),
    );
    return {
      credentials:
        given([
          ['cluster.username', cluster.username],
          ['cluster.password', cluster.password],
        ]) ??
        generalCredentials ??
        'cluster.password',
      sentinelCredentials: 'sentinel.sentinelPassword',
      database,
      host: 'cluster.rootNodes',
      tls: cluster.tls === undefined && urlTls ? 'cluster.rootNodes' : 'cluster.tls',
      certificate: 'cluster.tls (ca, servername)',
      sentinelNodes: [],
      sentinelTls: false,
    };
  }
  const url = options.url === undefined ? undefined : new URL(options.url);
  const urlCredentials = url !== undefined && (url.username !== '' || url.password !== '');
  // A unix:// URL's path is the socket's.
  const urlDatabase =
    url !== undefined && url.protocol !== 'unix:' && url.pathname !== '' && url.pathname !== '/';
  return {
    credentials:
      generalCredentials ??
      (urlCredentials ? 'url (its credentials)' : 'url or clientOptions.password'),
    sentinelCredentials: 'sentinel.sentinelPassword',
    database:
      general.database === undefined && urlDatabase ? 'url (its database number)' : database,
    host:
      url === undefined && general.socket?.host !== undefined ? 'clientOptions.socket.host' : 'url',
    tls:
      url === undefined && general.socket?.tls !== undefined ? 'clientOptions.socket.tls' : 'url',
    certificate: 'clientOptions.socket (ca, servername)',
    sentinelNodes: [],
    sentinelTls: false,
  };
}

/** The names of the options that were given, joined; `undefined` if none was. */
function given(options: ReadonlyArray<readonly [string, unknown]>): string | undefined {
  const names = options.filter(([, value]) => value !== undefined).map(([name]) => name);
  return names.length === 0 ? undefined : names.join(' and ');
}
