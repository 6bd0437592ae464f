import { type BenchClient, createBenchClient } from './redis-client.js';

/** Redis' own counters, read with INFO on a connection of the bench's. */
export class RedisCounters {
  readonly #client: BenchClient;

  private constructor(client: BenchClient) {
    this.#client = client;
  }

  static async connect(url: string): Promise<RedisCounters> {
    const client = createBenchClient(url);
    await client.connect();
    return new RedisCounters(client);
  }

  /**
   * What Redis has done so far, from one INFO (its default sections hold both): `commands`,
   * `total_commands_processed`, every command Redis ran, those inside scripts included (each
   * call of this adds one, its own INFO, to what the next call sees); `cpuMicros`,
   * `used_cpu_user` + `used_cpu_sys` in µs, what redis-server has spent serving, on the CPU it
   * shares with the load generator here, so a stack that costs Redis more slows its own load.
   */
  async usage(): Promise<{ commands: number; cpuMicros: number }> {
    const info = await this.#client.info();
    return {
      commands: infoField(info, 'total_commands_processed'),
      cpuMicros: (infoField(info, 'used_cpu_user') + infoField(info, 'used_cpu_sys')) * 1e6,
    };
  }

  /** `used_memory`: bytes Redis' allocator holds for data, buffers and bookkeeping. */
  async usedMemory(): Promise<number> {
    return infoField(await this.#client.info('memory'), 'used_memory');
  }

  async serverVersion(): Promise<string> {
    const info = await this.#client.info('server');
    return /^redis_version:(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown';
  }

  /** `MEMORY USAGE key SAMPLES 0`: the whole value counted, not an estimate. */
  async memoryUsage(key: string): Promise<number> {
    const reply = await this.#client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']);
    return Number(reply ?? 0);
  }

  async send(args: string[]): Promise<unknown> {
    return this.#client.sendCommand(args);
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

function infoField(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+(?:\\.\\d+)?)`, 'm').exec(info);
  if (match === null) throw new Error(`INFO has no ${field}`);
  return Number(match[1]);
}
