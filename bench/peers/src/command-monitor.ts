import { type BenchClient, createBenchClient } from './redis-client.js';

/** What Redis ran while the monitor listened, split by who asked. */
export interface MonitoredCommands {
  /** Commands clients sent (a script call is one), by name. */
  readonly sent: Record<string, number>;
  /** Commands run inside scripts, by name. */
  readonly inScripts: Record<string, number>;
  /**
   * Traffic no request caused: sess' cleaner (lease, due-session scans) and the read cache's
   * tracking (its set-up and its check once a second), and whatever the servers idling beside
   * the counted one sent.
   */
  readonly background: number;
}

const MARKER = 'sess-bench-monitor-marker';

/**
 * Counts commands with MONITOR, which reports every command Redis runs, those run by scripts
 * marked `[n lua]`. Used on short runs only: MONITOR slows Redis down.
 */
export class CommandMonitor {
  readonly #monitor: BenchClient;
  readonly #probe: BenchClient;
  #sent: Record<string, number> = {};
  #inScripts: Record<string, number> = {};
  #background = 0;
  /** Addresses of the connections in Pub/Sub mode: the read caches' invalidation channels. */
  #channels = new Set<string>();
  /** Addresses of the counted server's connections; undefined: every client counts. */
  #counted: ReadonlySet<string> | undefined;
  #markerSeen: (() => void) | undefined;
  /** Sessions the cleaner read: its removal of their index entries is its own work too. */
  readonly #cleanerRead = new Set<string>();

  private constructor(monitor: BenchClient, probe: BenchClient) {
    this.#monitor = monitor;
    this.#probe = probe;
  }

  static async start(url: string): Promise<CommandMonitor> {
    const monitor = createBenchClient(url);
    const probe = createBenchClient(url);
    await Promise.all([monitor.connect(), probe.connect()]);
    const instance = new CommandMonitor(monitor, probe);
    await monitor.monitor((line) => instance.#record(String(line)));
    return instance;
  }

  /**
   * Clears the counts; call once nothing is in flight. Every server of a framework runs while
   * one is counted, so the invalidation channels of all of them are looked up again here, and
   * `counted` (the counted server's connections, see `connectionsOf`) keeps the others' out.
   */
  async reset(counted?: ReadonlySet<string>): Promise<void> {
    this.#counted = counted;
    this.#channels = subscribedClients(String(await this.#probe.sendCommand(['CLIENT', 'LIST'])));
    await this.#drain();
    this.#sent = {};
    this.#inScripts = {};
    this.#background = 0;
  }

  /** The counts since the last reset, once Redis has reported everything it ran before now. */
  async collect(): Promise<MonitoredCommands> {
    await this.#drain();
    return { sent: this.#sent, inScripts: this.#inScripts, background: this.#background };
  }

  async stop(): Promise<void> {
    await Promise.all([this.#monitor.destroy(), this.#probe.close()]);
  }

  /** Redis feeds monitors in execution order: once the marker is seen, all before it was too. */
  async #drain(): Promise<void> {
    const seen = new Promise<void>((resolve) => {
      this.#markerSeen = resolve;
    });
    await this.#probe.sendCommand(['ECHO', MARKER]);
    await seen;
  }

  #record(line: string): void {
    // 1795485212.197407 [0 127.0.0.1:56920] "hgetall" "sess:s:{...}"
    const source = /^\S+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
    if (source === null) return;
    const [, client, name] = source;
    const command = (name ?? '').toUpperCase();
    if (command === 'ECHO' && line.includes(MARKER)) {
      this.#markerSeen?.();
      this.#markerSeen = undefined;
      return;
    }
    const elsewhere =
      client !== undefined &&
      (this.#channels.has(client) ||
        (client !== 'lua' && this.#counted !== undefined && !this.#counted.has(client)));
    if (elsewhere || this.#isBackground(client, command, line)) {
      this.#background++;
      return;
    }
    const counts = client === 'lua' ? this.#inScripts : this.#sent;
    counts[command] = (counts[command] ?? 0) + 1;
  }

  /**
   * Traffic no request causes, on any connection. sess' cleaner: its lease key and the
   * due-session scans only it sends, then, once a run outlasts the idle timeout, what it sends
   * for the expired sessions it found: an `HMGET` of each (no request sends one), a `DEL`
   * outside a script (a request deletes only inside its scripts), the `XADD` of their
   * `expired` events and the `ZREM` of the ids it read. The read cache's tracking: `CLIENT
   * TRACKING` when it is set up and `CLIENT TRACKINGINFO` in each check, on the data connection
   * (a request never sends `CLIENT`); the check's `PING` on the invalidation channel is told
   * apart by its connection (`#channels`) from the `PING` that follows a write.
   */
  #isBackground(client: string | undefined, command: string, line: string): boolean {
    if (command === 'ZRANGEBYSCORE' || command === 'CLIENT' || line.includes('"sess:{cleaner}"')) {
      return true;
    }
    if (client === 'lua') return false;
    switch (command) {
      case 'HMGET': {
        const id = /:s:\{([^}]+)\}"/.exec(line)?.[1];
        if (id !== undefined) this.#cleanerRead.add(id);
        return true;
      }
      case 'DEL':
        return true;
      case 'XADD':
        return line.includes('expired');
      case 'ZREM': {
        const members = [...line.matchAll(/"([^"]*)"/g)].slice(2).map((match) => match[1] ?? '');
        return members.length > 0 && members.every((id) => this.#cleanerRead.has(id));
      }
      default:
        return false;
    }
  }
}

/** The `addr` of every client `CLIENT LIST` shows in Pub/Sub mode (flag `P`). */
function subscribedClients(list: string): Set<string> {
  const addresses = new Set<string>();
  for (const line of list.split('\n')) {
    const addr = / addr=(\S+)/.exec(line)?.[1];
    const flags = / flags=(\S+)/.exec(line)?.[1];
    if (addr !== undefined && flags?.includes('P')) addresses.add(addr);
  }
  return addresses;
}
