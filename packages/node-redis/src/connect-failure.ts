import { isErrorReply } from './port-errors.js';

/**
 * Why a connection could not be opened, when waiting and trying again cannot change the
 * outcome: the configuration is wrong (or the server's is), and only a person can fix it.
 *
 * - `credentials`: Redis refused the username or password, or wants one and got none.
 * - `permission`: the ACL user may not run a command of the connection handshake.
 * - `database`: the database number does not exist on the server (or it is a Cluster node).
 * - `host`: the host name does not resolve (`ENOTFOUND`; `EAI_AGAIN` is a resolver that did
 *   not answer this time, and is retried).
 * - `tls`: the TLS handshake failed (a protocol or version mismatch, an alert from the server).
 * - `certificate`: the server's certificate was not accepted (unknown CA, self-signed,
 *   expired, a host name it does not cover).
 * - `not-cluster`: a root node of a Cluster runs with `cluster-enabled no`.
 */
export type ConnectFailureKind =
  | 'credentials'
  | 'permission'
  | 'database'
  | 'host'
  | 'tls'
  | 'certificate'
  | 'not-cluster';

/** Error replies to the handshake (`AUTH`, `SELECT`, ...) and to a first command. */
const REPLY_KINDS: ReadonlyArray<readonly [RegExp, ConnectFailureKind]> = [
  [/^WRONGPASS /, 'credentials'],
  [/^NOAUTH /, 'credentials'],
  // A password sent to a server that has none: Redis 6+ and older wordings.
  [/^ERR AUTH .* without any password configured/, 'credentials'],
  [/^ERR Client sent AUTH, but no password is set/, 'credentials'],
  [/^ERR invalid password/, 'credentials'],
  [/^NOPERM /, 'permission'],
  [/^ERR DB index is out of range/, 'database'],
  [/^ERR invalid DB index/, 'database'],
  [/^ERR SELECT is not allowed in cluster mode/, 'database'],
  [/^ERR This instance has cluster support disabled/, 'not-cluster'],
];

/** OpenSSL's certificate verification results, as Node reports them in `error.code`. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The kind of a connection error retrying cannot fix, or `undefined` for one it may fix (a
 * refused or reset connection, a timeout, `LOADING`, `EAI_AGAIN`, anything not known here):
 * the server may yet appear or recover.
 */
export function connectFailureKind(error: unknown): ConnectFailureKind | undefined {
  if (isErrorReply(error)) {
    for (const [pattern, kind] of REPLY_KINDS) if (pattern.test(error.message)) return kind;
    return undefined;
  }
  if (!(error instanceof Error)) return undefined;
  // node-redis refuses `tls` set one way and a URL's scheme the other when it creates a client.
  if (error instanceof TypeError && /^tls socket option is set/.test(error.message)) return 'tls';
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') return undefined;
  if (code === 'ENOTFOUND') return 'host';
  if (CERTIFICATE_CODES.has(code)) return 'certificate';
  // Node names OpenSSL's handshake errors ERR_SSL_<reason>; older versions said EPROTO.
  if (code.startsWith('ERR_SSL_') || (code === 'EPROTO' && /SSL|TLS/i.test(error.message))) {
    return 'tls';
  }
  return undefined;
}

/** The connection was closed or reset by the server before it answered anything. */
export function isClosedByServer(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    error.constructor.name === 'SocketClosedUnexpectedlyError'
  );
}
