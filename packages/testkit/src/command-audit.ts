import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { keysOf, multiKeysOf } from './command-keys.js';
import { keySlot } from './key-slot.js';
import { type MonitorEntry, parseMonitorLine } from './monitor-line.js';
import { RespConnection, type RespEndpoint, withTimeout } from './resp-connection.js';

/** What an audited server saw: how many commands, and every rule they broke. */
export interface AuditReport {
  /** Commands the server ran (those run by scripts included), the audit's own excluded. */
  readonly commands: number;
  /** One line per distinct violation, with a count when it happened more than once. */
  readonly violations: string[];
}

/**
 * Commands sess must never send (docs/design/index.md, the rules the tests enforce): they scan
 * the keyspace, reconfigure or break Cluster.
 */
export const FORBIDDEN_COMMANDS: readonly string[] = [
  'KEYS',
  'SCAN',
  'SMEMBERS',
  'CONFIG',
  'FLUSHALL',
  'FLUSHDB',
  'DEBUG',
  'RENAME',
  'RENAMENX',
];
const FORBIDDEN = new Set(FORBIDDEN_COMMANDS);
const SUBSCRIBE = new Set(['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE']);
const SCRIPT_CALLS = new Set(['EVAL', 'EVALSHA', 'EVAL_RO', 'EVALSHA_RO', 'FCALL', 'FCALL_RO']);
const KEYSPACE_CHANNEL = /^__key/i;
const SYNC_TIMEOUT_MS = 5_000;

/** The rules one command breaks on its own: a forbidden command, keyspace events, or keys in several slots. */
export function commandViolations(args: readonly string[]): string[] {
  const name = (args[0] ?? '').toUpperCase();
  // Reported as what it is, and nothing more: the key table does not list forbidden commands.
  if (FORBIDDEN.has(name)) return [`forbidden command: ${render(args)}`];
  const violations: string[] = [];
  if (SUBSCRIBE.has(name) && args.slice(1).some((channel) => KEYSPACE_CHANNEL.test(channel))) {
    violations.push(`keyspace notifications are forbidden: ${render(args)}`);
  }
  const keys = multiKeysOf(args);
  if (keys && keys.length > 1) {
    const slots = new Set(keys.map((key) => keySlot(key)));
    if (slots.size > 1) {
      const where = keys.map((key) => `${JSON.stringify(key)} (slot ${keySlot(key)})`).join(', ');
      violations.push(`keys in different hash slots: ${render(args)}: ${where}`);
    }
  }
  return violations;
}

export interface CommandAuditOptions {
  /**
   * Admin commands another actor than sess sends to this server, by `INFO commandstats` name
   * (`config|rewrite`): left out of the count of forbidden commands MONITOR cannot show.
   * Sentinel sends `CONFIG REWRITE` to every server it reconfigures in a failover.
   * @default []
   */
  readonly tolerated?: readonly string[];
}

interface Attachment {
  readonly monitor: RespConnection;
  readonly control: RespConnection;
  /** The server process watched (`run_id`): a restart starts new counters. */
  readonly runId: string;
  baseline: ServerStats;
}

/** Counters of `INFO commandstats` and `INFO errorstats`. */
interface ServerStats {
  /** Calls per `cmdstat_` name. */
  readonly commands: Map<string, number>;
  /** Error replies per `errorstat_` prefix (`CROSSSLOT`, `MOVED`, ...). */
  readonly errors: Map<string, number>;
}

/** How long the audit keeps trying to watch again a server that cut its connections. */
const REATTACH_WINDOW_MS = 3_000;
const REATTACH_PAUSE_MS = 50;

/**
 * Watches everything a server runs: a MONITOR connection records each command, and
 * `INFO commandstats` counts the admin commands (CONFIG, DEBUG) that MONITOR never shows;
 * `INFO errorstats` counts the commands Redis Cluster refused for crossing slots (CROSSSLOT),
 * which MONITOR does not show either. Commands are kept and judged when a report is asked for.
 * When the server cuts the audit's connections (Sentinel's `CLIENT KILL` in a failover), the
 * audit watches again at once.
 */
export class CommandAudit {
  readonly #endpoint: RespEndpoint;
  readonly #tolerated: ReadonlySet<string>;
  readonly #entries: MonitorEntry[] = [];
  /** How the server names the audit's own connection, whose commands are left out. */
  #controlClient: string | undefined;
  /** Calls per `cmdstat_` name, summed over the server's lifetimes (it may be restarted). */
  readonly #statCalls = new Map<string, number>();
  /** CROSSSLOT error replies, summed over the server's lifetimes. */
  #crossSlotErrors = 0;
  readonly #markers = new Map<string, () => void>();
  #attachment: Attachment | undefined;
  /** The last attachment's process and counters, for an attachment to the same process. */
  #last: { runId: string; baseline: ServerStats } | undefined;
  #watching = false;
  #reattaching: Promise<void> | undefined;

  private constructor(endpoint: RespEndpoint, options: CommandAuditOptions) {
    this.#endpoint = endpoint;
    this.#tolerated = new Set((options.tolerated ?? []).map((name) => name.toLowerCase()));
  }

  static async start(
    endpoint: RespEndpoint,
    options: CommandAuditOptions = {},
  ): Promise<CommandAudit> {
    const audit = new CommandAudit(endpoint, options);
    await audit.attach();
    return audit;
  }

  /** Starts watching the (re)started server. */
  async attach(): Promise<void> {
    await this.detach();
    this.#watching = true;
    await this.#connect();
  }

  /** Stops watching (the server is about to go). What was recorded stays. */
  async detach(): Promise<void> {
    this.#watching = false;
    await this.#reattaching;
    const attachment = this.#attachment;
    this.#attachment = undefined;
    if (!attachment) return;
    this.#last = { runId: attachment.runId, baseline: attachment.baseline };
    await Promise.all([attachment.monitor.close(), attachment.control.close()]);
  }

  /**
   * Waits until MONITOR has caught up with everything the server ran so far (a unique
   * `ECHO` marker comes through), then judges all recorded commands.
   */
  async report(): Promise<AuditReport> {
    for (let attempt = 1; ; attempt++) {
      await this.#reattaching;
      const attachment = this.#attachment;
      if (!attachment) break;
      try {
        await this.#catchUp(attachment);
        break;
      } catch (error) {
        const cut = !attachment.monitor.isOpen || !attachment.control.isOpen;
        if (!cut || !this.#watching || attempt >= 3) throw error;
        // The server cut the audit's connections under it (before the close was noticed):
        // watch again, then catch up.
        this.#lost(attachment);
      }
    }
    return this.#judge();
  }

  async #connect(): Promise<void> {
    const monitor = await RespConnection.open(this.#endpoint, { unref: true });
    let control: RespConnection | undefined;
    try {
      control = await RespConnection.open(this.#endpoint, { unref: true });
      const info = String(await control.call(['CLIENT', 'INFO']));
      this.#controlClient = /(?:^|\s)addr=(\S+)/.exec(info)?.[1];
      const server = String(await control.call(['INFO', 'server']));
      const runId = /^run_id:(\S+)/m.exec(server)?.[1] ?? '';
      monitor.onUnsolicited = (value) => {
        if (typeof value === 'string') this.#record(value);
      };
      if ((await monitor.call(['MONITOR'])) !== 'OK') throw new Error('MONITOR was refused');
      // The same process again (its connections were cut): counting goes on from where the
      // last attachment left it, so nothing run in between is missed.
      const baseline =
        this.#last?.runId === runId ? this.#last.baseline : await readServerStats(control);
      const attachment: Attachment = { monitor, control, runId, baseline };
      this.#attachment = attachment;
      this.#last = undefined;
      for (const connection of [monitor, control]) {
        void connection.closed.then(() => this.#lost(attachment));
      }
    } catch (error) {
      monitor.destroy();
      control?.destroy();
      throw new Error(`command audit: could not watch the server: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** A connection closed while the audit was watching: the server cut it, or it is gone. */
  #lost(attachment: Attachment): void {
    if (this.#attachment !== attachment || !this.#watching) return;
    this.#attachment = undefined;
    this.#last = { runId: attachment.runId, baseline: attachment.baseline };
    attachment.monitor.destroy();
    attachment.control.destroy();
    this.#reattaching ??= this.#reattach().finally(() => {
      this.#reattaching = undefined;
    });
  }

  async #reattach(): Promise<void> {
    const deadline = Date.now() + REATTACH_WINDOW_MS;
    while (this.#watching && Date.now() < deadline) {
      try {
        await this.#connect();
        if (!this.#watching) await this.#closeAttachment();
        return;
      } catch {
        await delay(REATTACH_PAUSE_MS);
      }
    }
  }

  async #closeAttachment(): Promise<void> {
    const attachment = this.#attachment;
    this.#attachment = undefined;
    if (attachment) await Promise.all([attachment.monitor.close(), attachment.control.close()]);
  }

  async close(): Promise<void> {
    await this.detach();
  }

  async #catchUp(attachment: Attachment): Promise<void> {
    const marker = `sess-testkit-audit:${randomBytes(8).toString('hex')}`;
    const seen = new Promise<void>((resolve) => this.#markers.set(marker, resolve));
    try {
      await withTimeout(
        (async () => {
          await attachment.control.call(['ECHO', marker]);
          await seen;
          const stats = await readServerStats(attachment.control);
          for (const [name, calls] of stats.commands) {
            const delta = calls - (attachment.baseline.commands.get(name) ?? 0);
            if (delta > 0) this.#statCalls.set(name, (this.#statCalls.get(name) ?? 0) + delta);
          }
          const crossSlot =
            (stats.errors.get('CROSSSLOT') ?? 0) -
            (attachment.baseline.errors.get('CROSSSLOT') ?? 0);
          if (crossSlot > 0) this.#crossSlotErrors += crossSlot;
          attachment.baseline = stats;
        })(),
        SYNC_TIMEOUT_MS,
        'command audit: waiting for MONITOR to catch up (is the server paused?)',
      );
    } finally {
      this.#markers.delete(marker);
    }
  }

  #record(line: string): void {
    const entry = parseMonitorLine(line);
    if (!entry) return;
    if (entry.client === this.#controlClient) {
      const marker = (entry.args[0] ?? '').toUpperCase() === 'ECHO' ? entry.args[1] : undefined;
      if (marker !== undefined) this.#markers.get(marker)?.();
      return;
    }
    this.#entries.push(entry);
  }

  #judge(): AuditReport {
    const counts = new Map<string, number>();
    const add = (violation: string): void => {
      counts.set(violation, (counts.get(violation) ?? 0) + 1);
    };
    const seenForbidden = new Map<string, number>();
    let commands = 0;
    // The keys slot of the script call being run, for judging the commands it runs.
    let script: { slot: number | undefined; call: string } | undefined;
    for (const entry of this.#entries) {
      commands++;
      const name = (entry.args[0] ?? '').toUpperCase();
      const inScript = entry.client === 'lua';
      if (FORBIDDEN.has(name)) seenForbidden.set(name, (seenForbidden.get(name) ?? 0) + 1);
      for (const violation of commandViolations(entry.args)) {
        add(inScript ? `${violation} (run by a script)` : violation);
      }
      if (inScript) {
        if (script && !FORBIDDEN.has(name)) {
          for (const violation of scriptKeyViolations(entry.args, script)) add(violation);
        }
        continue;
      }
      script = undefined;
      if (SCRIPT_CALLS.has(name)) {
        const keys = multiKeysOf(entry.args) ?? [];
        const first = keys[0];
        script = {
          slot: first === undefined ? undefined : keySlot(first),
          call: render(entry.args),
        };
      }
    }
    if (this.#crossSlotErrors > 0) {
      counts.set(
        'keys in different hash slots: Redis Cluster refused commands with CROSSSLOT (counted by INFO errorstats: MONITOR does not show refused commands)',
        this.#crossSlotErrors,
      );
    }
    for (const [base, { calls, names }] of adminCalls(this.#statCalls, this.#tolerated)) {
      const unseen = calls - (seenForbidden.get(base) ?? 0);
      if (unseen > 0) {
        counts.set(
          `forbidden command: ${names.join(', ')} (counted by INFO commandstats: MONITOR does not show admin commands)`,
          unseen,
        );
      }
    }
    const violations = [...counts].map(([violation, count]) =>
      count > 1 ? `${violation} (${count} times)` : violation,
    );
    return { commands, violations };
  }
}

/** A command a script ran must stay in the slot of the keys the script declared. */
function scriptKeyViolations(
  args: readonly string[],
  script: { slot: number | undefined; call: string },
): string[] {
  const violations: string[] = [];
  for (const key of keysOf(args)) {
    const slot = keySlot(key);
    if (script.slot === undefined) {
      violations.push(
        `a script touched a key it did not declare: ${render(args)} in ${script.call}`,
      );
    } else if (slot !== script.slot) {
      violations.push(
        `a script touched a key in another hash slot (${slot}, its keys are in ${script.slot}): ${render(args)} in ${script.call}`,
      );
    }
  }
  return violations;
}

/** Calls of forbidden commands per base name, from `cmdstat_config|get`-style names. */
function adminCalls(
  stats: Map<string, number>,
  tolerated: ReadonlySet<string>,
): Map<string, { calls: number; names: string[] }> {
  const byBase = new Map<string, { calls: number; names: string[] }>();
  for (const [name, calls] of stats) {
    const base = (name.split('|')[0] ?? '').toUpperCase();
    if (!FORBIDDEN.has(base) || calls === 0 || tolerated.has(name.toLowerCase())) continue;
    const entry = byBase.get(base) ?? { calls: 0, names: [] };
    entry.calls += calls;
    entry.names.push(name.toUpperCase().replace('|', ' '));
    byBase.set(base, entry);
  }
  return byBase;
}

/**
 * `cmdstat_<name>` → calls (rejected calls included: MONITOR does not show those either), and
 * `errorstat_<PREFIX>` → count.
 */
async function readServerStats(connection: RespConnection): Promise<ServerStats> {
  const [commandInfo, errorInfo] = await connection.pipeline([
    ['INFO', 'commandstats'],
    ['INFO', 'errorstats'],
  ]);
  const commands = new Map<string, number>();
  for (const match of String(commandInfo).matchAll(/^cmdstat_(\S+?):(.*)$/gm)) {
    const fields = statFields(match[2]);
    const calls = Number(fields.get('calls') ?? 0) + Number(fields.get('rejected_calls') ?? 0);
    commands.set(match[1] as string, calls);
  }
  const errors = new Map<string, number>();
  for (const match of String(errorInfo).matchAll(/^errorstat_(\S+?):(.*)$/gm)) {
    errors.set(match[1] as string, Number(statFields(match[2]).get('count') ?? 0));
  }
  return { commands, errors };
}

function statFields(text: string | undefined): Map<string, string> {
  return new Map((text ?? '').split(',').map((pair) => pair.split('=') as [string, string]));
}

/** A command as a short, readable line: quoted arguments, long ones cut. */
function render(args: readonly string[]): string {
  const shown = args.slice(0, 8).map((arg, i) => {
    if (i === 0) return arg.toUpperCase();
    const cut = arg.length > 60 ? `${arg.slice(0, 57)}...` : arg;
    return JSON.stringify(cut);
  });
  if (args.length > 8) shown.push(`... (${args.length - 8} more)`);
  return shown.join(' ');
}
