import type { RedisPort } from '@sess/core';
import {
  type CallOptions,
  type CommandCall,
  isScriptCall,
  type PortCall,
  type PortCapabilities,
  type RedisArg,
  type RedisReply,
  type ScriptCall,
} from '@sess/core/port';

/** One call that went through a `RecordingPort`. */
export interface RecordedCall {
  readonly kind: 'command' | 'script';
  /** The command (`HGETALL`) or the script's name (`sess_save`). */
  readonly name: string;
  readonly keys: readonly string[];
  readonly args: readonly RedisArg[];
  /** Which round trip carried it (1 for the first since creation or `reset()`). */
  readonly roundTrip: number;
}

/** A `RedisPort` that counts round trips and records every call, for "load = 1 round trip" tests. */
export interface RecordingPort extends RedisPort {
  /** `send`, `script` and non-empty `batch` calls since creation or `reset()`. */
  readonly roundTrips: number;
  /** Every command and script call, flat, in the order they were made. */
  readonly calls: readonly RecordedCall[];
  /** The recording ports `dedicated()` returned, each counting its own traffic. */
  readonly dedicatedPorts: readonly RecordingPort[];
  /** Forgets the round trips and calls recorded so far. */
  reset(): void;
  dedicated(): Promise<RecordingPort>;
}

/** Wraps any port; calls pass through unchanged, failed ones are recorded too. */
export function createRecordingPort(port: RedisPort): RecordingPort {
  return new RecordingRedisPort(port);
}

class RecordingRedisPort implements RecordingPort {
  readonly #port: RedisPort;
  #roundTrips = 0;
  #calls: RecordedCall[] = [];
  readonly #dedicated: RecordingPort[] = [];

  constructor(port: RedisPort) {
    this.#port = port;
  }

  get capabilities(): PortCapabilities {
    return this.#port.capabilities;
  }
  get roundTrips(): number {
    return this.#roundTrips;
  }
  get calls(): readonly RecordedCall[] {
    return this.#calls;
  }
  get dedicatedPorts(): readonly RecordingPort[] {
    return this.#dedicated;
  }

  reset(): void {
    this.#roundTrips = 0;
    this.#calls = [];
  }

  send(call: CommandCall, options?: CallOptions): Promise<RedisReply> {
    this.#record([call]);
    return this.#port.send(call, options);
  }

  script(call: ScriptCall, options?: CallOptions): Promise<RedisReply> {
    this.#record([call]);
    return this.#port.script(call, options);
  }

  batch(calls: readonly PortCall[], options?: CallOptions): Promise<Array<RedisReply | Error>> {
    if (calls.length > 0) this.#record(calls);
    return this.#port.batch(calls, options);
  }

  async dedicated(): Promise<RecordingPort> {
    const port = new RecordingRedisPort(await this.#port.dedicated());
    this.#dedicated.push(port);
    return port;
  }

  close(): Promise<void> {
    return this.#port.close();
  }

  #record(calls: readonly PortCall[]): void {
    const roundTrip = ++this.#roundTrips;
    for (const call of calls) {
      this.#calls.push(
        isScriptCall(call)
          ? { kind: 'script', name: call.script.name, keys: call.keys, args: call.args, roundTrip }
          : { kind: 'command', name: call.command, keys: call.keys, args: call.args, roundTrip },
      );
    }
  }
}
