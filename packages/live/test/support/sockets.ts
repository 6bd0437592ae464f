import WebSocket from 'ws';

/** How a client socket closed, and when: `performance.now()`, and the wall clock. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
  readonly at: number;
  readonly epoch: number;
}

/** An open client socket and the promise of its close. */
export interface ClientSocket {
  readonly socket: WebSocket;
  readonly closed: Promise<Closed>;
  /** Set once it closed. */
  closedWith: Closed | undefined;
}

/** Opens a WebSocket with `cookie`; rejects with the HTTP status of a refused upgrade. */
export function openSocket(
  url: string,
  cookie: string | undefined,
  options: { origin?: string } = {},
): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: cookie === undefined ? {} : { cookie },
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    });
    socket.once('unexpected-response', (_request, response) => {
      reject(new RefusedUpgrade(response.statusCode ?? 0));
      socket.terminate();
    });
    socket.once('error', reject);
    socket.once('open', () => {
      const client: ClientSocket = {
        socket,
        closedWith: undefined,
        closed: new Promise((done) => {
          socket.once('close', (code, reason) => {
            client.closedWith = {
              code,
              reason: reason.toString(),
              at: performance.now(),
              epoch: Date.now(),
            };
            done(client.closedWith);
          });
        }),
      };
      resolve(client);
    });
  });
}

export class RefusedUpgrade extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`upgrade refused with ${status}`);
    this.status = status;
  }
}

/** The next message a socket receives, parsed. */
export function nextMessage(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) => {
    socket.once('message', (data) => resolve(JSON.parse(String(data))));
  });
}

/** Polls `condition` every 10 ms until it holds; fails after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
