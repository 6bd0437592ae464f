import { isErrorReply } from './port-errors.js';

/**
 * A Redis Cluster redirect: `MOVED <slot> <host>:<port>` (the slot is served elsewhere now) or
 * `ASK <slot> <host>:<port>` (the slot is being moved there and the key is not here: ask there
 * once, after `ASKING`).
 */
export interface ClusterRedirect {
  readonly kind: 'MOVED' | 'ASK';
  readonly slot: number;
  /** `host:port` as Redis announced it: the key of a node in the Cluster client's map. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  /** The reply as Redis worded it. */
  readonly reply: string;
}

const REDIRECT = /^(MOVED|ASK) (\d+) (\S*):(\d+)$/;

/**
 * The redirect an error reply stands for, if it is one. An empty host (a node that does not
 * know its own address announces none) means the host the reply came from: `fromHost`.
 */
export function redirectOf(error: unknown, fromHost: string): ClusterRedirect | undefined {
  if (!isErrorReply(error)) return undefined;
  const match = REDIRECT.exec(error.message);
  if (!match) return undefined;
  const [, kind, slot, announced, port] = match as unknown as [
    string,
    'MOVED' | 'ASK',
    string,
    string,
    string,
  ];
  const host = announced === '' ? fromHost : announced;
  return {
    kind,
    slot: Number(slot),
    address: `${host}:${port}`,
    host,
    port: Number(port),
    reply: error.message,
  };
}
