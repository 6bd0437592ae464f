import { connect, type Socket } from 'node:net';
import { encodeCommand, RespError, RespReader, type RespValue } from './resp-reader.js';

export interface RespEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly db?: number | undefined;
}

export interface RespConnectionOptions {
  /** Give up connecting (and authenticating) after this long (ms). @default 2_000 */
  readonly connectTimeout?: number;
  /**
   * Let the process exit while this connection is open: for connections that watch a server
   * in the background (MONITOR), which must never keep a test run alive.
   */
  readonly unref?: boolean;
}

interface Pending {
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

/**
 * A raw RESP2 connection: the smallest client the testkit needs to ping, monitor and audit a
 * server without depending on a Redis client library. Replies are matched to requests in
 * order; values nobody asked for (MONITOR lines) go to `onUnsolicited`.
 */
export class RespConnection {
  readonly #socket: Socket;
  readonly #reader = new RespReader();
  readonly #pending: Pending[] = [];
  #closedError: Error | undefined;
  readonly #closed: Promise<void>;
  onUnsolicited: ((value: RespValue) => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(error));
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#fail(new Error('connection to Redis closed'));
        resolve();
      });
    });
  }

  static async open(
    endpoint: RespEndpoint,
    options: RespConnectionOptions = {},
  ): Promise<RespConnection> {
    const timeout = options.connectTimeout ?? 2_000;
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    socket.setNoDelay(true);
    if (options.unref) socket.unref();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new Error(`no connection to ${endpoint.host}:${endpoint.port} within ${timeout} ms`),
        );
      }, timeout);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve();
      });
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once('error', onError);
    });
    const connection = new RespConnection(socket);
    try {
      if (endpoint.password !== undefined) {
        const auth =
          endpoint.username !== undefined
            ? ['AUTH', endpoint.username, endpoint.password]
            : ['AUTH', endpoint.password];
        await withTimeout(connection.call(auth), timeout, 'AUTH');
      }
      if (endpoint.db !== undefined && endpoint.db !== 0) {
        await withTimeout(connection.call(['SELECT', endpoint.db]), timeout, 'SELECT');
      }
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return connection;
  }

  get isOpen(): boolean {
    return this.#closedError === undefined;
  }

  /** Resolves once the socket is closed, whoever closed it. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Sends one command; an error reply rejects with a `RespError`. */
  async call(args: readonly (string | number)[]): Promise<RespValue> {
    const [reply] = await this.pipeline([args]);
    if (reply instanceof RespError) throw reply;
    return reply as RespValue;
  }

  /** Sends commands in one write; error replies stand in their slots. */
  pipeline(commands: readonly (readonly (string | number)[])[]): Promise<RespValue[]> {
    if (commands.length === 0) return Promise.resolve([]);
    if (this.#closedError) return Promise.reject(this.#closedError);
    const replies = commands.map(
      () =>
        new Promise<RespValue>((resolve, reject) => {
          this.#pending.push({ resolve, reject });
        }),
    );
    this.#socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  /** Ends the connection and waits until the socket is closed. */
  async close(): Promise<void> {
    if (!this.#socket.destroyed) this.#socket.end();
    // A peer that never answers the FIN (a paused server) must not hold up the caller.
    const timer = setTimeout(() => this.#socket.destroy(), 500);
    await this.#closed;
    clearTimeout(timer);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    let values: RespValue[];
    try {
      values = this.#reader.push(chunk);
    } catch (error) {
      this.#socket.destroy(error as Error);
      return;
    }
    for (const value of values) {
      const pending = this.#pending.shift();
      if (pending) pending.resolve(value);
      else this.onUnsolicited?.(value);
    }
  }

  #fail(error: Error): void {
    this.#closedError ??= error;
    for (const pending of this.#pending.splice(0)) pending.reject(error);
  }
}

/** Rejects with a message naming `what` if `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
