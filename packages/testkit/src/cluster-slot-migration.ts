import { SLOT_COUNT } from './key-slot.js';
import type { RedisServer } from './redis-server.js';
import { RespConnection } from './resp-connection.js';
import { RespError, type RespValue } from './resp-reader.js';
import { adminCall, pollUntil } from './server-admin.js';

/**
 * Slots on their way from their masters to another node, moved by hand the way
 * `redis-cli --cluster reshard` moves them: the slots are open (IMPORTING on the target,
 * MIGRATING on each source) until `finish()` or `abort()`. While a slot is open, its source
 * still serves the keys it holds and answers `ASK` for the others; the target serves a key
 * only to a client that sent `ASKING` first.
 */
export interface SlotMigration {
  /** The slots being moved, ascending. */
  readonly slots: readonly number[];
  /** Where they go. */
  readonly to: RedisServer;
  /**
   * Moves keys of the slots from their sources to the target (`MIGRATE`): `share` (0 to 1) of
   * the keys the sources still hold in them, rounded down, spread evenly (at 0.5, every second
   * key: half of a slot of ten keys, one of two single-key slots). Resolves to how many keys
   * moved.
   * @param share default 1: every key
   */
  migrateKeys(share?: number): Promise<number>;
  /**
   * Moves the keys left, then makes the target the master of the slots on every master
   * (`CLUSTER SETSLOT <slot> NODE`: the target first, then the sources, then the others),
   * and waits until every running node's slot map says so.
   * @param timeout ms for the nodes to agree, default 10_000
   */
  finish(timeout?: number): Promise<void>;
  /**
   * Gives up: the slots are closed on their sources (`CLUSTER SETSLOT <slot> STABLE`), the keys
   * the target holds go back to them, and the slots are closed on the target. Meant for a
   * quiet moment: a key a client writes to its source in between is refused by the move back
   * (BUSYKEY, rejecting), and `abort()` rejects if the target still holds keys of the slots.
   */
  abort(): Promise<void>;
}

/** What a migration needs of its cluster. */
export interface MigrationCluster {
  /** Every node, running or not. */
  readonly nodes: readonly RedisServer[];
  /** The master of each slot range now. */
  slotOwners(): Promise<Array<{ from: number; to: number; server: RedisServer }>>;
}

/** How long one MIGRATE may take (ms), as `redis-cli --cluster reshard` allows by default. */
const MIGRATE_TIMEOUT_MS = 60_000;
/** Keys per MIGRATE call. */
const MIGRATE_BATCH = 100;

/** Opens `slots` for a move to `to`: IMPORTING on the target first, then MIGRATING on each source. */
export async function beginSlotMigration(
  cluster: MigrationCluster,
  slots: number | readonly number[],
  to: RedisServer,
): Promise<SlotMigration> {
  const wanted = [...new Set(typeof slots === 'number' ? [slots] : slots)].sort((a, b) => a - b);
  if (wanted.length === 0) throw new Error('beginSlotMigration(): no slot given');
  for (const slot of wanted) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) {
      throw new Error(`beginSlotMigration(): ${slot} is not a slot (0 to ${SLOT_COUNT - 1})`);
    }
  }
  if (!cluster.nodes.includes(to)) {
    throw new Error(`beginSlotMigration(): the node on port ${to.port} is not in this cluster`);
  }
  const owners = await cluster.slotOwners();
  const sources = new Map<RedisServer, number[]>();
  for (const slot of wanted) {
    const owner = owners.find((range) => range.from <= slot && slot <= range.to)?.server;
    if (!owner) throw new Error(`beginSlotMigration(): no master serves slot ${slot}`);
    if (owner === to) {
      throw new Error(`beginSlotMigration(): slot ${slot} is served by port ${to.port} already`);
    }
    sources.set(owner, [...(sources.get(owner) ?? []), slot]);
  }
  const ids = new Map<RedisServer, string>();
  for (const node of [to, ...sources.keys()]) ids.set(node, await nodeId(node));
  const targetId = ids.get(to) as string;
  for (const [source, own] of sources) {
    const sourceId = ids.get(source) as string;
    await pipelined(
      to,
      own.map((slot) => ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', sourceId]),
    );
  }
  for (const [source, own] of sources) {
    await pipelined(
      source,
      own.map((slot) => ['CLUSTER', 'SETSLOT', slot, 'MIGRATING', targetId]),
    );
  }
  return new OpenMigration(cluster, wanted, to, targetId, sources);
}

class OpenMigration implements SlotMigration {
  readonly slots: readonly number[];
  readonly to: RedisServer;
  readonly #cluster: MigrationCluster;
  readonly #targetId: string;
  readonly #sources: ReadonlyMap<RedisServer, readonly number[]>;
  #closed: 'finished' | 'aborted' | undefined;

  constructor(
    cluster: MigrationCluster,
    slots: readonly number[],
    to: RedisServer,
    targetId: string,
    sources: ReadonlyMap<RedisServer, readonly number[]>,
  ) {
    this.#cluster = cluster;
    this.slots = slots;
    this.to = to;
    this.#targetId = targetId;
    this.#sources = sources;
  }

  async migrateKeys(share = 1): Promise<number> {
    this.#assertOpen('migrateKeys()');
    if (!(share >= 0 && share <= 1)) throw new Error(`migrateKeys(): share ${share} is not 0 to 1`);
    const spread = new Spread(share);
    let moved = 0;
    for (const [source, slots] of this.#sources) {
      moved += await moveKeys(source, this.to, slots, spread);
    }
    return moved;
  }

  async finish(timeout = 10_000): Promise<void> {
    this.#assertOpen('finish()');
    // A key written to the source meanwhile (one it held already) goes too: sweep until none.
    for (let sweep = 0; (await this.migrateKeys(1)) > 0; sweep++) {
      if (sweep >= 10) throw new Error('finish(): the sources keep holding keys of the slots');
    }
    this.#closed = 'finished';
    const assign = (node: RedisServer) =>
      pipelined(
        node,
        this.slots.map((slot) => ['CLUSTER', 'SETSLOT', slot, 'NODE', this.#targetId]),
      );
    // The target first: once a source stops answering ASK, the target must own the slot.
    await assign(this.to);
    for (const source of this.#sources.keys()) await assign(source);
    const owners = await this.#cluster.slotOwners();
    const others = new Set(owners.map((range) => range.server));
    for (const node of [this.to, ...this.#sources.keys()]) others.delete(node);
    for (const node of others) if (answers(node)) await assign(node);
    await pollUntil('every node sees the migrated slots on their new master', timeout, async () => {
      for (const node of this.#cluster.nodes) {
        if (!answers(node)) continue;
        const reply = await adminCall(node, ['CLUSTER', 'SLOTS']);
        const wrong = this.slots.find((slot) => ownerPort(reply, slot) !== this.to.port);
        if (wrong !== undefined) return `port ${node.port} places slot ${wrong} elsewhere`;
      }
      return true;
    });
  }

  async abort(): Promise<void> {
    this.#assertOpen('abort()');
    this.#closed = 'aborted';
    for (const [source, slots] of this.#sources) {
      // A source takes keys back only once it serves the slot alone again: while it is
      // migrating, it answers ASK to the RESTORE of a key it does not hold.
      await pipelined(
        source,
        slots.map((slot) => ['CLUSTER', 'SETSLOT', slot, 'STABLE']),
      );
      await moveKeys(this.to, source, slots, new Spread(1));
    }
    await pipelined(
      this.to,
      this.slots.map((slot) => ['CLUSTER', 'SETSLOT', slot, 'STABLE']),
    );
    const counts = await pipelined(
      this.to,
      this.slots.map((slot) => ['CLUSTER', 'COUNTKEYSINSLOT', slot]),
    );
    const left = counts.reduce<number>((sum, count) => sum + Number(count), 0);
    if (left > 0) {
      throw new Error(`abort(): port ${this.to.port} still holds ${left} keys of the slots`);
    }
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new Error(`${what}: the migration was ${this.#closed} already`);
  }
}

/** Picks `share` of the keys it is shown, rounded down, evenly: at 0.5, every second one. */
class Spread {
  readonly #share: number;
  #seen = 0;

  constructor(share: number) {
    this.#share = share;
  }

  /** Whether the next key moves: when it brings the count moved to the next whole step. */
  takes(): boolean {
    this.#seen++;
    return Math.floor(this.#seen * this.#share) > Math.floor((this.#seen - 1) * this.#share);
  }
}

/**
 * Moves the keys `spread` picks of those `from` holds in `slots` to `to`. MIGRATE runs on the node it is sent to whenever the slot
 * is open there (importing or migrating), whoever owns it, so keys go back from a target the
 * same way. Its keys must share a slot like any multi-key command's: one call per slot and
 * batch. Keys gone meanwhile are skipped by Redis (NOKEY).
 */
async function moveKeys(
  from: RedisServer,
  to: RedisServer,
  slots: readonly number[],
  spread: Spread,
): Promise<number> {
  const listed = await pipelined(
    from,
    slots.map((slot) => ['CLUSTER', 'GETKEYSINSLOT', slot, 1_000_000]),
  );
  let moved = 0;
  const calls: Array<Array<string | number>> = [];
  for (const reply of listed) {
    const chosen = (Array.isArray(reply) ? reply.map(String) : []).filter(() => spread.takes());
    moved += chosen.length;
    for (let i = 0; i < chosen.length; i += MIGRATE_BATCH) {
      const batch = chosen.slice(i, i + MIGRATE_BATCH);
      calls.push(['MIGRATE', to.host, to.port, '', 0, MIGRATE_TIMEOUT_MS, 'KEYS', ...batch]);
    }
  }
  await pipelined(from, calls, MIGRATE_TIMEOUT_MS);
  return moved;
}

/** Commands in one write on a connection of their own; rejects on the first error reply. */
async function pipelined(
  node: RedisServer,
  commands: ReadonlyArray<ReadonlyArray<string | number>>,
  timeout = 10_000,
): Promise<RespValue[]> {
  if (commands.length === 0) return [];
  const connection = await RespConnection.open(node);
  const timer = setTimeout(() => connection.destroy(), timeout);
  try {
    const replies = await connection.pipeline(commands);
    const failed = replies.findIndex((reply) => reply instanceof RespError);
    if (failed >= 0) {
      const command = commands[failed] ?? [];
      throw new Error(
        `port ${node.port}: ${command.slice(0, 4).join(' ')}: ${(replies[failed] as RespError).message}`,
      );
    }
    return replies;
  } finally {
    clearTimeout(timer);
    await connection.close();
  }
}

async function nodeId(node: RedisServer): Promise<string> {
  return String(await adminCall(node, ['CLUSTER', 'MYID']));
}

/** The port of the master of `slot` in a `CLUSTER SLOTS` reply. */
function ownerPort(reply: RespValue, slot: number): number | undefined {
  if (!Array.isArray(reply)) return undefined;
  for (const range of reply) {
    if (!Array.isArray(range)) continue;
    const [from, to, master] = range;
    if (Number(from) <= slot && slot <= Number(to) && Array.isArray(master)) {
      return Number(master[1]);
    }
  }
  return undefined;
}

/** Running and not paused: a command to it gets an answer. */
function answers(node: RedisServer): boolean {
  return node.pid !== undefined && !node.paused;
}
