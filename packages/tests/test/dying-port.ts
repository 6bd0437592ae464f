import { type RedisPort, SessError } from '@sess/core';
import {
  type CallOptions,
  type CommandCall,
  isScriptCall,
  type PortCall,
  type RedisReply,
  type ScriptCall,
} from '@sess/core/port';

/**
 * A port that stops answering for good, as a killed process would: from `die()` on, or right
 * after the first call that `dieAfter` matches has been answered. The connection under it
 * stays open (it is someone else's); nothing more reaches Redis through this port.
 */
export class DyingPort implements RedisPort {
  readonly #port: RedisPort;
  #dead = false;
  #trigger: ((call: PortCall) => boolean) | undefined;
  #onDeath: (() => void) | undefined;

  constructor(port: RedisPort) {
    this.#port = port;
  }

  get capabilities() {
    return this.#port.capabilities;
  }

  get dead(): boolean {
    return this.#dead;
  }

  die(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#onDeath?.();
  }

  /** Dies once a call matching `trigger` has been answered; `onDeath` runs then. */
  dieAfter(trigger: (call: PortCall) => boolean, onDeath?: () => void): void {
    this.#trigger = trigger;
    this.#onDeath = onDeath;
  }

  async send(call: CommandCall, options?: CallOptions): Promise<RedisReply> {
    this.#assertAlive();
    const reply = await this.#port.send(call, options);
    this.#after([call]);
    return reply;
  }

  async script(call: ScriptCall, options?: CallOptions): Promise<RedisReply> {
    this.#assertAlive();
    const reply = await this.#port.script(call, options);
    this.#after([call]);
    return reply;
  }

  async batch(calls: readonly PortCall[], options?: CallOptions) {
    this.#assertAlive();
    const replies = await this.#port.batch(calls, options);
    this.#after(calls);
    return replies;
  }

  async dedicated(): Promise<RedisPort> {
    this.#assertAlive();
    return this.#port.dedicated();
  }

  async close(): Promise<void> {}

  #after(calls: readonly PortCall[]): void {
    const trigger = this.#trigger;
    if (trigger && calls.some(trigger)) this.die();
  }

  #assertAlive(): void {
    if (this.#dead) throw new SessError('UNAVAILABLE', 'this instance was killed');
  }
}

/** The cleaner's XADD of `expired` events (a batch entry or a single event). */
export function isExpiredEventWrite(call: PortCall): boolean {
  if (isScriptCall(call) || call.command !== 'XADD') return false;
  return call.args.includes('batch') || call.args.includes('expired');
}

/** The cleaner's read of due sessions. */
export function isDueSessionRead(call: PortCall): boolean {
  return !isScriptCall(call) && call.command === 'HMGET';
}
