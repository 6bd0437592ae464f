import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** A server's TCP address. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Whether the server at `address` answers a plain-text `PING` the way Redis and Sentinel do
 * (`+PONG`, or an error line such as `-NOAUTH ...`): it speaks plain text, not TLS. A TLS
 * client gets no answer at all from such a server (it waits for the end of a line that its
 * handshake never sends), so this is how a `rediss://` URL against a plain server is told
 * apart from a slow one. False on any other answer, an error, or none within `ms`.
 */
export function answersPlainText(
  address: ServerAddress,
  ms: number,
  signal?: AbortSignal,
): Promise<boolean> {
  return probe(ms, signal, (settle) => {
    const socket = tcpConnect({ host: address.host, port: address.port });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data: Buffer) => {
      const first = data[0];
      settle(first === 0x2b || first === 0x2d); // '+' or '-'
    });
    return socket;
  });
}

/**
 * Whether a TLS handshake with the server at `address` completes (its certificate is not
 * judged here): it speaks TLS. A plain-text client only sees such a server close the
 * connection, which is also what a server on its way down does.
 */
export function completesTlsHandshake(
  address: ServerAddress,
  ms: number,
  signal?: AbortSignal,
): Promise<boolean> {
  return probe(ms, signal, (settle) => {
    const socket = tlsConnect({
      host: address.host,
      port: address.port,
      // Node refuses an IP address as the server name; a host name goes along as SNI.
      ...(isIP(address.host) === 0 ? { servername: address.host } : {}),
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => settle(true));
    return socket;
  });
}

/** Runs one probe connection: false on an error, a close, an abort or no verdict within `ms`. */
function probe(
  ms: number,
  signal: AbortSignal | undefined,
  start: (settle: (verdict: boolean) => void) => Socket,
): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    let socket: Socket | undefined;
    const settle = (verdict: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      socket?.destroy();
      resolve(verdict);
    };
    const aborted = (): void => settle(false);
    const timer = setTimeout(aborted, ms);
    signal?.addEventListener('abort', aborted);
    socket = start(settle);
    socket.once('error', () => settle(false));
    socket.once('close', () => settle(false));
  });
}
