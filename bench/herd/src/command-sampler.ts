import { type RawClient, send } from './redis-client.js';

/** Commands Redis processed in one second of a run. */
export interface CommandSample {
  /** Seconds since the run started (end of the second sampled). */
  readonly t: number;
  /** Commands in that second, with the bench's own (this sampler, probes) taken out. */
  readonly commands: number;
}

/**
 * Reads Redis' `total_commands_processed` once a second on a connection of its own. Every
 * INFO it sends is counted by Redis too, and so are the probes the bench sends to check
 * results; both are subtracted, so the samples are what the simulated instances sent.
 */
export class CommandSampler {
  readonly #client: RawClient;
  readonly #samples: CommandSample[] = [];
  #timer: NodeJS.Timeout | undefined;
  #started = 0;
  #last = 0;
  /** INFO calls and probe commands since the last sample, to take out of it. */
  #own = 0;
  #reading: Promise<void> = Promise.resolve();

  constructor(client: RawClient) {
    this.#client = client;
  }

  async start(): Promise<void> {
    this.#last = await this.#total();
    this.#started = performance.now();
    this.#timer = setInterval(() => {
      this.#reading = this.#reading.then(() => this.#sample());
    }, 1_000);
  }

  /** Commands the bench itself sent (probes), not part of what is measured. */
  exclude(commands: number): void {
    this.#own += commands;
  }

  /** Calls per command since the server started (`INFO commandstats`), itself excluded. */
  async commandStats(): Promise<Map<string, number>> {
    const text = String(await send(this.#client, ['INFO', 'commandstats']));
    this.#own++;
    const stats = new Map<string, number>();
    for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      stats.set((match[1] as string).toUpperCase(), Number(match[2]));
    }
    return stats;
  }

  async stop(): Promise<CommandSample[]> {
    clearInterval(this.#timer);
    await this.#reading;
    return this.#samples;
  }

  /** All commands measured so far (sum of the samples). */
  get total(): number {
    return this.#samples.reduce((sum, sample) => sum + sample.commands, 0);
  }

  get samples(): readonly CommandSample[] {
    return this.#samples;
  }

  async #sample(): Promise<void> {
    const own = this.#own;
    this.#own = 0;
    const total = await this.#total();
    const t = Math.round((performance.now() - this.#started) / 1000);
    // Not clamped: a probe counted one second late evens out in the next, and totals stay exact.
    this.#samples.push({ t, commands: total - this.#last - own });
    this.#last = total;
  }

  async #total(): Promise<number> {
    const text = String(await send(this.#client, ['INFO', 'stats']));
    // Redis counts this INFO after answering it: it shows up in the next reading.
    this.#own++;
    const match = /total_commands_processed:(\d+)/.exec(text);
    return Number(match?.[1] ?? 0);
  }
}
