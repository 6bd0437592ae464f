import { createClient } from 'redis';

export type Command = ReadonlyArray<string | number>;

function createRaw(url: string) {
  // No client-side timeout: loading a million entries keeps the server busy for a while.
  return createClient({ url, RESP: 2, commandOptions: { timeout: 0 } });
}

/** How many calls go out per chunk of a bulk load: pipelined, without holding all replies. */
const CHUNK = 5_000;

/**
 * One connection to the measured redis-server: commands out (counted, so a layout's cost in
 * commands sent is known), and Redis' own counters in.
 */
export class RedisProbe {
  readonly #client: ReturnType<typeof createRaw>;
  readonly #scripts = new Map<string, string>();
  /** Commands sent through `run` since the last `resetSent`. */
  sent = 0;

  private constructor(client: ReturnType<typeof createRaw>) {
    this.#client = client;
  }

  static async connect(url: string): Promise<RedisProbe> {
    const client = createRaw(url);
    client.on('error', (error: Error) => console.error(`redis client: ${error.message}`));
    await client.connect();
    return new RedisProbe(client);
  }

  /** Sends commands in one pipeline; replies in order. Each counts as one sent command. */
  run(commands: readonly Command[]): Promise<unknown[]> {
    this.sent += commands.length;
    return Promise.all(commands.map((command) => this.#client.sendCommand(command.map(String))));
  }

  /** Sends many commands in pipelined chunks, without keeping the replies (a bulk load). */
  async load(commands: Iterable<Command>): Promise<void> {
    let chunk: Command[] = [];
    for (const command of commands) {
      chunk.push(command);
      if (chunk.length === CHUNK) {
        await this.run(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await this.run(chunk);
  }

  /** `EVALSHA` of `source` (loaded once), as a command to send. */
  async script(source: string): Promise<(keys: readonly string[], args: Command) => Command> {
    let sha = this.#scripts.get(source);
    if (sha === undefined) {
      sha = String(await this.#client.sendCommand(['SCRIPT', 'LOAD', source]));
      this.#scripts.set(source, sha);
    }
    const loaded = sha;
    return (keys, args) => ['EVALSHA', loaded, keys.length, ...keys, ...args];
  }

  /** `used_memory`: what Redis' allocator holds. */
  async usedMemory(): Promise<number> {
    return infoField(String(await this.#client.sendCommand(['INFO', 'memory'])), 'used_memory');
  }

  /** `total_commands_processed`, those inside scripts included; each read adds its own INFO. */
  async commandsProcessed(): Promise<number> {
    const info = String(await this.#client.sendCommand(['INFO', 'stats']));
    return infoField(info, 'total_commands_processed');
  }

  /**
   * Commands Redis executed and commands this probe sent while `work` ran (the INFO calls
   * around it taken out).
   */
  async counted<T>(work: () => Promise<T>): Promise<{ result: T; sent: number; executed: number }> {
    const before = await this.commandsProcessed();
    const sentBefore = this.sent;
    const result = await work();
    const sent = this.sent - sentBefore;
    const after = await this.commandsProcessed();
    // `after` counts the INFO that read `before`.
    return { result, sent, executed: after - before - 1 };
  }

  async send(command: Command): Promise<unknown> {
    return this.#client.sendCommand(command.map(String));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

function infoField(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  if (match === null) throw new Error(`INFO has no ${field}`);
  return Number(match[1]);
}
