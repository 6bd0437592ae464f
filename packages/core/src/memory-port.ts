import { SessError } from './errors.js';
import { emulationOf } from './lua-script.js';
import { MemoryDatabase, ReplyError, readOptions } from './memory-database.js';
import type {
  CallOptions,
  CommandCall,
  PortCall,
  RedisPort,
  RedisReply,
  ScriptCall,
} from './redis-port.js';
import { isScriptCall } from './redis-port.js';

/**
 * A RedisPort that keeps everything in this process: for your unit tests, and for running an
 * app without Redis. It answers like Redis for every command and script sess uses (the
 * contract suite in `@sess/testkit` checks that against a real server). Not for production:
 * nothing is shared between processes and nothing survives a restart.
 */
export class MemoryPort implements RedisPort {
  readonly capabilities = { cluster: false } as const;
  readonly #db: MemoryDatabase;
  readonly #blocked = new Set<() => void>();
  #closed = false;

  constructor(database: MemoryDatabase = new MemoryDatabase()) {
    this.#db = database;
  }

  async send(call: CommandCall, options?: CallOptions): Promise<RedisReply> {
    this.#assertOpen();
    const args = call.args.map(String);
    const command = call.command.toUpperCase();
    if (command === 'XREAD' || command === 'XREADGROUP') {
      const block = readOptions(command === 'XREAD' ? args : args.slice(3)).block;
      if (block !== undefined) return this.#blockingRead(command, args, block, options?.signal);
    }
    return this.#run(command, args);
  }

  async script(call: ScriptCall, _options?: CallOptions): Promise<RedisReply> {
    this.#assertOpen();
    return this.#runScript(call);
  }

  async batch(
    calls: readonly PortCall[],
    _options?: CallOptions,
  ): Promise<Array<RedisReply | Error>> {
    this.#assertOpen();
    return calls.map((call) => {
      try {
        return isScriptCall(call)
          ? this.#runScript(call)
          : this.#run(call.command, call.args.map(String));
      } catch (error) {
        return error as Error;
      }
    });
  }

  /** Another "connection" to the same data. */
  async dedicated(): Promise<RedisPort> {
    this.#assertOpen();
    return new MemoryPort(this.#db);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of [...this.#blocked]) wake();
  }

  #run(command: string, args: string[]): RedisReply {
    return this.#db.run(command, args);
  }

  #runScript(call: ScriptCall): RedisReply {
    const emulate = emulationOf(call.script.sha1);
    if (!emulate) {
      throw new ReplyError(
        `ERR the memory port runs only scripts defined with defineScript (${call.script.name})`,
      );
    }
    // A script sees and leaves the data as one step, as in Redis: nothing else runs meanwhile.
    return emulate(
      (command, ...args) => this.#db.run(command, args.map(String)),
      call.keys,
      call.args.map(String),
    );
  }

  /** XREAD/XREADGROUP with BLOCK: answers at once if there is data, else at the next XADD or the timeout. */
  #blockingRead(
    command: string,
    args: string[],
    block: number,
    signal: AbortSignal | undefined,
  ): Promise<RedisReply> {
    if (command === 'XREAD') {
      // `$` means "after the last entry now", not at each retry.
      const { keys } = readOptions(args);
      const firstId = args.length - keys.length;
      keys.forEach((key, i) => {
        if (args[firstId + i] === '$') {
          const last = this.#db.run('XRANGE', [key, '-', '+']) as RedisReply[];
          const lastEntry = last[last.length - 1] as RedisReply[] | undefined;
          args[firstId + i] = (lastEntry?.[0] as string | undefined) ?? '0-0';
        }
      });
    }
    const first = this.#run(command, args);
    if (first !== null) return Promise.resolve(first);
    return new Promise<RedisReply>((resolve, reject) => {
      const finish = (outcome: () => void): void => {
        clearTimeout(timer);
        unsubscribe();
        this.#blocked.delete(onClose);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const onClose = (): void =>
        finish(() => reject(new SessError('UNAVAILABLE', 'the memory port was closed')));
      const onAbort = (): void => finish(() => reject(signal?.reason));
      const unsubscribe = this.#db.onStreamWrite(() => {
        let reply: RedisReply;
        try {
          reply = this.#run(command, args);
        } catch (error) {
          finish(() => reject(error));
          return;
        }
        if (reply !== null) finish(() => resolve(reply));
      });
      const timer = block > 0 ? setTimeout(() => finish(() => resolve(null)), block) : undefined;
      this.#blocked.add(onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new SessError('UNAVAILABLE', 'the memory port was closed');
  }
}

/** A port that keeps everything in this process (see `MemoryPort`): for tests and demos. */
export function createMemoryPort(): MemoryPort {
  return new MemoryPort();
}
