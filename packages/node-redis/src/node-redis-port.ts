import {
  type CallOptions,
  type CommandCall,
  isScriptCall,
  type PortCall,
  type RedisPort,
  type RedisReply,
  type ScriptCall,
  SessError,
} from '@sess/core';
import { connectWithin } from './connect-within.js';
import { LoadedScripts } from './loaded-scripts.js';
import type { NodeRedisClient, NodeRedisCommandOptions } from './node-redis-client.js';
import { abortedError, isErrorReply, isNoScript, toPortError } from './port-errors.js';
import { untilAborted } from './until-aborted.js';

/** How long `close()` lets replies still on their way arrive before it cuts the connection. */
const CLOSE_GRACE_MS = 1_000;

export interface PortSettings {
  /** The port created this client (or duplicated it) and closes it. */
  readonly owned: boolean;
  /** A dedicated connection: it may be blocked in a read, so closing it does not wait. */
  readonly blocking: boolean;
  /** Listens to the client's `error` events for as long as the port uses the client. */
  readonly onError: (error: Error) => void;
  readonly connectTimeout: number;
  /** Open the client and wait for it first (it is not open yet). */
  readonly connect: boolean;
  readonly onClosed?: () => void;
}

/**
 * Opens a port on `client`: listens to its errors before anything can fail, then connects it
 * if asked. A client that does not connect in time is left destroyed.
 */
export async function openNodeRedisPort(
  client: NodeRedisClient,
  settings: PortSettings,
): Promise<NodeRedisPort> {
  client.on('error', settings.onError);
  if (settings.connect) {
    try {
      await connectWithin(client, settings.connectTimeout);
    } catch (error) {
      // A destroyed client of ours stays listened to: a straggling socket error must not crash.
      if (!settings.owned) client.off('error', settings.onError);
      throw error;
    }
  }
  return new NodeRedisPort(client, settings);
}

/**
 * A RedisPort over one standalone node-redis 6 client, speaking RESP2. Create it with
 * `createNodeRedisPort`.
 *
 * - A call while the connection is down fails at once with `SessError('UNAVAILABLE')`; nothing
 *   waits in an offline queue. So does a call whose `signal` aborts before Redis answers.
 * - An error reply rejects with node-redis' `ErrorReply` (a plain `Error` with Redis' own
 *   message, e.g. `WRONGTYPE ...`); the core reports it as `REDIS_ERROR`.
 */
export class NodeRedisPort implements RedisPort {
  readonly capabilities = { cluster: false } as const;
  readonly #client: NodeRedisClient;
  readonly #settings: PortSettings;
  readonly #dedicatedPorts = new Set<NodeRedisPort>();
  readonly #scripts = new LoadedScripts();
  readonly #onReady = (): void => this.#scripts.clear();
  #closing: Promise<void> | undefined;

  /** @internal Use `createNodeRedisPort`. */
  constructor(client: NodeRedisClient, settings: PortSettings) {
    this.#client = client;
    this.#settings = settings;
    // `isReady` turns true just before `ready` fires, and the port sends nothing while it is
    // false: no call reaches a new connection before the set is cleared.
    client.on('ready', this.#onReady);
  }

  /** The node-redis client this port sends through. */
  get client(): NodeRedisClient {
    return this.#client;
  }

  async send(call: CommandCall, options?: CallOptions): Promise<RedisReply> {
    return this.#send(commandArgs(call), options?.signal);
  }

  async script(call: ScriptCall, options?: CallOptions): Promise<RedisReply> {
    // Checked before choosing EVAL: a script counts as sent only if it is.
    this.#assertUsable(options?.signal);
    const command = this.#scripts.commandFor(call);
    try {
      return await this.#send(command, options?.signal);
    } catch (error) {
      if (!sentByHash(command) || !isNoScript(error)) throw error;
      this.#scripts.forget(call.script.sha1);
      return this.#send(this.#scripts.commandFor(call), options?.signal);
    }
  }

  async batch(
    calls: readonly PortCall[],
    options?: CallOptions,
  ): Promise<Array<RedisReply | Error>> {
    const signal = options?.signal;
    if (calls.length === 0) return [];
    this.#assertUsable(signal);
    const commands = calls.map((call) =>
      isScriptCall(call) ? this.#scripts.commandFor(call) : commandArgs(call),
    );
    const results = await this.#pipeline(commands, signal);
    const unknown: Array<{ index: number; call: ScriptCall }> = [];
    calls.forEach((call, index) => {
      if (isScriptCall(call) && sentByHash(commands[index]) && isNoScript(results[index])) {
        unknown.push({ index, call });
      }
    });
    if (unknown.length === 0) return results;
    // The script cache was flushed under this connection: a second round trip, only now, for
    // the scripts Redis did not know. They take effect after the batch's other calls.
    for (const { call } of unknown) this.#scripts.forget(call.script.sha1);
    const again = await this.#pipeline(
      unknown.map(({ call }) => this.#scripts.commandFor(call)),
      signal,
    );
    unknown.forEach(({ index }, k) => {
      results[index] = again[k] as RedisReply | Error;
    });
    return results;
  }

  /**
   * A port on a connection of its own (`client.duplicate()`), connected, for blocking reads.
   * Close it when done; closing this port closes it too.
   */
  async dedicated(): Promise<NodeRedisPort> {
    this.#assertOpen();
    const duplicate = this.#client.duplicate({ disableOfflineQueue: true });
    const port: NodeRedisPort = await openNodeRedisPort(duplicate, {
      owned: true,
      blocking: true,
      onError: this.#settings.onError,
      connectTimeout: this.#settings.connectTimeout,
      connect: true,
      onClosed: () => this.#dedicatedPorts.delete(port),
    });
    if (this.#closing) {
      await port.close();
      throw closedError();
    }
    this.#dedicatedPorts.add(port);
    return port;
  }

  /**
   * Closes what this port opened: its own client (waiting up to 1 s for replies on their way)
   * and its dedicated ports. A client you passed in stays open. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    await Promise.all([...this.#dedicatedPorts].map((port) => port.close()));
    this.#client.off('ready', this.#onReady);
    if (this.#settings.owned) {
      // A blocking read may never end by itself: a dedicated connection is cut at once.
      await closeClient(this.#client, this.#settings.blocking ? 0 : CLOSE_GRACE_MS);
    } else {
      this.#client.off('error', this.#settings.onError);
    }
    this.#settings.onClosed?.();
  }

  async #send(args: string[], signal: AbortSignal | undefined): Promise<RedisReply> {
    this.#assertUsable(signal);
    try {
      const reply = sendCommand(this.#client, args);
      return (await untilAborted(reply, signal)) as RedisReply;
    } catch (error) {
      throw toPortError(error, signal);
    }
  }

  /**
   * Sends all commands in the same tick: node-redis writes them together, one round trip.
   * Error replies stay in their slots; a lost connection or an abort fails the whole batch.
   */
  async #pipeline(
    commands: readonly string[][],
    signal: AbortSignal | undefined,
  ): Promise<Array<RedisReply | Error>> {
    if (commands.length === 0) return [];
    this.#assertUsable(signal);
    const replies = Promise.allSettled(commands.map((args) => sendCommand(this.#client, args)));
    let settled: Array<PromiseSettledResult<unknown>>;
    try {
      settled = await untilAborted(replies, signal);
    } catch (error) {
      throw toPortError(error, signal);
    }
    return settled.map((outcome) => {
      if (outcome.status === 'fulfilled') return outcome.value as RedisReply;
      if (isErrorReply(outcome.reason)) return outcome.reason;
      throw toPortError(outcome.reason, signal);
    });
  }

  /** Fails fast instead of queueing: also for a client given with its offline queue on. */
  #assertUsable(signal: AbortSignal | undefined): void {
    this.#assertOpen();
    if (signal?.aborted) throw abortedError(signal);
    if (!this.#client.isReady) {
      const state = this.#client.isOpen ? 'down (reconnecting)' : 'closed';
      throw new SessError('UNAVAILABLE', `the connection to Redis is ${state}`);
    }
  }

  #assertOpen(): void {
    if (this.#closing) throw closedError();
  }
}

function closedError(): SessError {
  return new SessError('UNAVAILABLE', 'the node-redis port was closed');
}

/**
 * `typeMapping: {}` overrides any mapping the client was given, so replies keep RESP2 shapes.
 * No `abortSignal`: node-redis would honour it only for commands not written yet, at the cost
 * of one listener per command on the caller's signal (a 16-call batch trips Node's leak
 * warning). `untilAborted` stops the wait instead, with one listener per call or batch.
 */
const COMMAND_OPTIONS: NodeRedisCommandOptions = Object.freeze({ typeMapping: {} });

function sendCommand(client: NodeRedisClient, args: string[]): Promise<unknown> {
  try {
    return client.sendCommand(args, COMMAND_OPTIONS);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Closes gracefully (pending replies arrive) for at most `graceMs`, then cuts the connection. */
async function closeClient(client: NodeRedisClient, graceMs: number): Promise<void> {
  if (!client.isOpen) return;
  if (graceMs === 0) {
    client.destroy();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const graceful = client.close().then(
    () => true,
    () => false,
  );
  const closedInTime = await Promise.race([
    graceful,
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (!closedInTime) client.destroy();
}

function commandArgs(call: CommandCall): string[] {
  return [call.command, ...call.args.map(String)];
}

function sentByHash(command: readonly string[] | undefined): boolean {
  return command?.[0] === 'EVALSHA';
}
