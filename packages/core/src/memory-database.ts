import type { RedisReply } from './redis-port.js';

/**
 * The data of the memory port, and the Redis commands sess uses, with Redis' replies (RESP2
 * shapes) and error messages. Only what sess sends is implemented; anything else is an
 * "unknown command" error, as a server would answer, so a gap shows up in the contract suite.
 */

export class ReplyError extends Error {
  override readonly name = 'ReplyError';
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

interface StreamEntry {
  readonly id: StreamId;
  readonly fields: string[];
}
type StreamId = readonly [number, number];
interface PendingEntry {
  consumer: string;
  deliveredAt: number;
  deliveries: number;
}
interface ConsumerGroup {
  lastDelivered: StreamId;
  readonly pending: Map<string, PendingEntry>;
  readonly consumers: Set<string>;
}
interface Stream {
  readonly type: 'stream';
  entries: StreamEntry[];
  lastId: StreamId;
  readonly groups: Map<string, ConsumerGroup>;
}
type Value =
  | { readonly type: 'string'; value: string }
  | { readonly type: 'hash'; readonly value: Map<string, string> }
  | { readonly type: 'zset'; readonly value: Map<string, number> }
  | Stream;

type Command = (db: MemoryDatabase, args: string[]) => RedisReply;

export class MemoryDatabase {
  readonly #data = new Map<string, Value>();
  readonly #expires = new Map<string, number>();
  readonly #streamListeners = new Set<() => void>();
  #wakeQueued = false;

  /** Runs one command. Throws `ReplyError` where Redis answers with an error. */
  run(command: string, args: readonly string[]): RedisReply {
    const name = command.toUpperCase();
    const implementation = commands[name];
    if (!implementation) throw new ReplyError(`ERR unknown command '${command}'`);
    return implementation(this, [...args]);
  }

  /** Called after every XADD: blocked stream readers check again. */
  onStreamWrite(listener: () => void): () => void {
    this.#streamListeners.add(listener);
    return () => this.#streamListeners.delete(listener);
  }

  /**
   * Wakes blocked readers once the current command (or script) has finished, as Redis serves
   * blocked clients only after the command that wrote: a script that appends ten entries
   * wakes a reader once, with all ten.
   */
  notifyStreamWrite(): void {
    if (this.#wakeQueued) return;
    this.#wakeQueued = true;
    queueMicrotask(() => {
      this.#wakeQueued = false;
      for (const listener of [...this.#streamListeners]) listener();
    });
  }

  get(key: string): Value | undefined {
    const at = this.#expires.get(key);
    if (at !== undefined && at <= Date.now()) {
      this.#data.delete(key);
      this.#expires.delete(key);
    }
    return this.#data.get(key);
  }

  set(key: string, value: Value): void {
    this.#data.set(key, value);
  }

  delete(key: string): boolean {
    this.#expires.delete(key);
    return this.#data.delete(key);
  }

  expireAt(key: string): number | undefined {
    return this.get(key) === undefined ? undefined : this.#expires.get(key);
  }

  setExpireAt(key: string, at: number | undefined): void {
    if (at === undefined) this.#expires.delete(key);
    else this.#expires.set(key, at);
    this.get(key); // a time in the past deletes the key at once, as in Redis
  }

  /** Drops a collection emptied by a command, as Redis does. */
  dropIfEmpty(key: string): void {
    const value = this.#data.get(key);
    if (value && value.type !== 'string' && value.type !== 'stream' && value.value.size === 0) {
      this.delete(key);
    }
  }
}

function typed<T extends Value['type']>(
  db: MemoryDatabase,
  key: string,
  type: T,
): Extract<Value, { type: T }> | undefined {
  const value = db.get(key);
  if (value === undefined) return undefined;
  if (value.type !== type) throw new ReplyError(WRONGTYPE);
  return value as Extract<Value, { type: T }>;
}

function hashOf(db: MemoryDatabase, key: string, create: boolean): Map<string, string> | undefined {
  const found = typed(db, key, 'hash');
  if (found || !create) return found?.value;
  const value = new Map<string, string>();
  db.set(key, { type: 'hash', value });
  return value;
}

function zsetOf(db: MemoryDatabase, key: string, create: boolean): Map<string, number> | undefined {
  const found = typed(db, key, 'zset');
  if (found || !create) return found?.value;
  const value = new Map<string, number>();
  db.set(key, { type: 'zset', value });
  return value;
}

function integer(text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isInteger(value)) {
    throw new ReplyError('ERR value is not an integer or out of range');
  }
  return value;
}

function arity(args: readonly string[], min: number, name: string): void {
  if (args.length < min) {
    throw new ReplyError(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
  }
}

// ---- scores and sorted sets --------------------------------------------------------------

interface ScoreBound {
  value: number;
  exclusive: boolean;
}

function scoreBound(text: string): ScoreBound {
  const exclusive = text.startsWith('(');
  const body = exclusive ? text.slice(1) : text;
  const value =
    body === '+inf' || body === 'inf' ? Infinity : body === '-inf' ? -Infinity : Number(body);
  if (body === '' || Number.isNaN(value)) throw new ReplyError('ERR min or max is not a float');
  return { value, exclusive };
}

function formatScore(score: number): string {
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  return String(score);
}

function parseScore(text: string | undefined): number {
  const value =
    text === '+inf' || text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
  if (text === undefined || text === '' || Number.isNaN(value)) {
    throw new ReplyError('ERR value is not a valid float');
  }
  return value;
}

function sortedMembers(zset: Map<string, number>): Array<[string, number]> {
  return [...zset].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function inRange(score: number, min: ScoreBound, max: ScoreBound): boolean {
  const aboveMin = min.exclusive ? score > min.value : score >= min.value;
  const belowMax = max.exclusive ? score < max.value : score <= max.value;
  return aboveMin && belowMax;
}

function rangeByScore(
  db: MemoryDatabase,
  key: string,
  minText: string,
  maxText: string,
  options: string[],
): RedisReply {
  const min = scoreBound(minText);
  const max = scoreBound(maxText);
  let withScores = false;
  let offset = 0;
  let count = -1;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]?.toUpperCase();
    if (option === 'WITHSCORES') withScores = true;
    else if (option === 'LIMIT') {
      offset = integer(options[++i]);
      count = integer(options[++i]);
    } else throw new ReplyError('ERR syntax error');
  }
  const zset = zsetOf(db, key, false);
  if (!zset) return [];
  let members = sortedMembers(zset).filter(([, score]) => inRange(score, min, max));
  members = members.slice(offset, count < 0 ? undefined : offset + count);
  return members.flatMap(([member, score]) =>
    withScores ? [member, formatScore(score)] : [member],
  );
}

// ---- streams -----------------------------------------------------------------------------

function formatId(id: StreamId): string {
  return `${id[0]}-${id[1]}`;
}

function parseId(text: string, missingSequence: number): StreamId {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new ReplyError('ERR Invalid stream ID specified as stream command argument');
  return [Number(match[1]), match[2] === undefined ? missingSequence : Number(match[2])];
}

function compareIds(a: StreamId, b: StreamId): number {
  return a[0] - b[0] || a[1] - b[1];
}

function streamOf(db: MemoryDatabase, key: string): Stream | undefined {
  return typed(db, key, 'stream');
}

function entryReply(entry: StreamEntry): RedisReply {
  return [formatId(entry.id), [...entry.fields]];
}

function groupOf(db: MemoryDatabase, key: string, group: string): [Stream, ConsumerGroup] {
  const stream = streamOf(db, key);
  const found = stream?.groups.get(group);
  if (!stream || !found) {
    throw new ReplyError(
      `NOGROUP No such key '${key}' or consumer group '${group}' in XREADGROUP with GROUP option`,
    );
  }
  return [stream, found];
}

/** Parses `[COUNT n] [BLOCK ms] [NOACK] STREAMS key... id...` */
export function readOptions(args: string[]): {
  count: number;
  block: number | undefined;
  keys: string[];
  ids: string[];
} {
  let count = Number.POSITIVE_INFINITY;
  let block: number | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const option = args[i]?.toUpperCase();
    if (option === 'COUNT') count = integer(args[++i]);
    else if (option === 'BLOCK') block = integer(args[++i]);
    else if (option === 'NOACK') continue;
    else if (option === 'STREAMS') break;
    else throw new ReplyError('ERR syntax error');
  }
  const rest = args.slice(i + 1);
  if (rest.length === 0 || rest.length % 2 !== 0) {
    throw new ReplyError(
      "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.",
    );
  }
  return { count, block, keys: rest.slice(0, rest.length / 2), ids: rest.slice(rest.length / 2) };
}

/** XREAD without BLOCK; `$` must have been resolved by the caller. */
export function readStreams(
  db: MemoryDatabase,
  keys: readonly string[],
  ids: readonly string[],
  count: number,
): RedisReply {
  const out: RedisReply[] = [];
  keys.forEach((key, i) => {
    const stream = streamOf(db, key);
    if (!stream) return;
    const after = parseId(ids[i] as string, 0);
    const entries = stream.entries
      .filter((entry) => compareIds(entry.id, after) > 0)
      .slice(0, count);
    if (entries.length > 0) out.push([key, entries.map(entryReply)]);
  });
  return out.length > 0 ? out : null;
}

/** XREADGROUP without BLOCK. */
export function readGroup(
  db: MemoryDatabase,
  group: string,
  consumer: string,
  keys: readonly string[],
  ids: readonly string[],
  count: number,
  noAck: boolean,
): RedisReply {
  const out: RedisReply[] = [];
  const now = Date.now();
  keys.forEach((key, i) => {
    const [stream, state] = groupOf(db, key, group);
    state.consumers.add(consumer);
    const id = ids[i] as string;
    if (id === '>') {
      const entries = stream.entries
        .filter((entry) => compareIds(entry.id, state.lastDelivered) > 0)
        .slice(0, count);
      for (const entry of entries) {
        state.lastDelivered = entry.id;
        if (!noAck) {
          state.pending.set(formatId(entry.id), { consumer, deliveredAt: now, deliveries: 1 });
        }
      }
      if (entries.length > 0) out.push([key, entries.map(entryReply)]);
      return;
    }
    // An explicit id reads this consumer's pending history, including deleted entries as nil.
    const after = parseId(id, 0);
    const history: RedisReply[] = [];
    for (const [pendingId, entry] of sortedPending(state)) {
      if (history.length >= count) break;
      if (entry.consumer !== consumer || compareIds(parseId(pendingId, 0), after) <= 0) continue;
      const found = stream.entries.find((e) => formatId(e.id) === pendingId);
      history.push(found ? entryReply(found) : [pendingId, null]);
    }
    out.push([key, history]);
  });
  return out.length > 0 ? out : null;
}

/** XRANGE / XREVRANGE: `args` = key, start, end [COUNT n], always lowest bound first. */
function streamRange(db: MemoryDatabase, args: string[], reverse: boolean): RedisReply {
  const [key, startText, endText, countWord, countText] = args as string[];
  const stream = streamOf(db, key as string);
  if (!stream) return [];
  const bound = (text: string, low: boolean): { id: StreamId; exclusive: boolean } => {
    const exclusive = text.startsWith('(');
    const body = exclusive ? text.slice(1) : text;
    if (body === '-') return { id: [0, 0], exclusive };
    if (body === '+') return { id: [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], exclusive };
    return { id: parseId(body, low ? 0 : Number.MAX_SAFE_INTEGER), exclusive };
  };
  const start = bound(startText as string, true);
  const end = bound(endText as string, false);
  const count = countWord?.toUpperCase() === 'COUNT' ? integer(countText) : Infinity;
  const entries = stream.entries.filter((entry) => {
    const low = compareIds(entry.id, start.id);
    const high = compareIds(entry.id, end.id);
    return (start.exclusive ? low > 0 : low >= 0) && (end.exclusive ? high < 0 : high <= 0);
  });
  if (reverse) entries.reverse();
  return entries.slice(0, count).map(entryReply);
}

function sortedPending(group: ConsumerGroup): Array<[string, PendingEntry]> {
  return [...group.pending].sort((a, b) => compareIds(parseId(a[0], 0), parseId(b[0], 0)));
}

const commands: Record<string, Command> = {
  PING: (_db, args) => args[0] ?? 'PONG',
  ECHO: (_db, args) => {
    arity(args, 1, 'ECHO');
    return args[0] as string;
  },
  TIME: () => {
    const now = Date.now();
    return [String(Math.floor(now / 1000)), String((now % 1000) * 1000)];
  },

  // keys
  // No replicas: nothing ever acknowledges a write, as a Redis without replicas answers.
  WAIT: () => 0,
  EXISTS: (db, args) => args.filter((key) => db.get(key) !== undefined).length,
  DEL: (db, args) => args.filter((key) => db.get(key) !== undefined && db.delete(key)).length,
  UNLINK: (db, args) => commands.DEL!(db, args),
  PEXPIREAT: (db, args) => {
    arity(args, 2, 'PEXPIREAT');
    const [key, atText, flag] = args as [string, string, string | undefined];
    const at = integer(atText);
    if (db.get(key) === undefined) return 0;
    const current = db.expireAt(key);
    const mode = flag?.toUpperCase();
    if (mode === 'NX' && current !== undefined) return 0;
    if (mode === 'XX' && current === undefined) return 0;
    // GT/LT treat a key without TTL as infinite, as Redis does.
    if (mode === 'GT' && (current === undefined || at <= current)) return 0;
    if (mode === 'LT' && current !== undefined && at >= current) return 0;
    db.setExpireAt(key, at);
    return 1;
  },
  PEXPIRE: (db, args) => {
    arity(args, 2, 'PEXPIRE');
    return commands.PEXPIREAT!(db, [
      args[0] as string,
      String(Date.now() + integer(args[1])),
      ...args.slice(2),
    ]);
  },
  PEXPIRETIME: (db, args) => {
    const key = args[0] as string;
    if (db.get(key) === undefined) return -2;
    return db.expireAt(key) ?? -1;
  },
  PTTL: (db, args) => {
    const key = args[0] as string;
    if (db.get(key) === undefined) return -2;
    const at = db.expireAt(key);
    return at === undefined ? -1 : Math.max(0, at - Date.now());
  },

  // strings
  GET: (db, args) => typed(db, args[0] as string, 'string')?.value ?? null,
  SET: (db, args) => {
    arity(args, 2, 'SET');
    const [key, value, ...options] = args as [string, string, ...string[]];
    let nx = false;
    let xx = false;
    let at: number | undefined;
    for (let i = 0; i < options.length; i++) {
      const option = options[i]?.toUpperCase();
      if (option === 'NX') nx = true;
      else if (option === 'XX') xx = true;
      else if (option === 'PX') at = Date.now() + integer(options[++i]);
      else if (option === 'EX') at = Date.now() + integer(options[++i]) * 1000;
      else throw new ReplyError('ERR syntax error');
    }
    const exists = db.get(key) !== undefined;
    if ((nx && exists) || (xx && !exists)) return null;
    db.set(key, { type: 'string', value });
    db.setExpireAt(key, at);
    return 'OK';
  },
  INCR: (db, args) => {
    const key = args[0] as string;
    const current = typed(db, key, 'string');
    const next = integer(current?.value ?? '0') + 1;
    if (current) current.value = String(next);
    else db.set(key, { type: 'string', value: String(next) });
    return next;
  },

  // hashes
  HGETALL: (db, args) => [...(hashOf(db, args[0] as string, false) ?? [])].flat(),
  HGET: (db, args) => hashOf(db, args[0] as string, false)?.get(args[1] as string) ?? null,
  HEXISTS: (db, args) => {
    arity(args, 2, 'HEXISTS');
    return hashOf(db, args[0] as string, false)?.has(args[1] as string) ? 1 : 0;
  },
  HMGET: (db, args) => {
    arity(args, 2, 'HMGET');
    const hash = hashOf(db, args[0] as string, false);
    return args.slice(1).map((field) => hash?.get(field) ?? null);
  },
  HSET: (db, args) => {
    if (args.length < 3 || args.length % 2 === 0) {
      throw new ReplyError("ERR wrong number of arguments for 'hset' command");
    }
    const hash = hashOf(db, args[0] as string, true) as Map<string, string>;
    let added = 0;
    for (let i = 1; i < args.length; i += 2) {
      if (!hash.has(args[i] as string)) added++;
      hash.set(args[i] as string, args[i + 1] as string);
    }
    return added;
  },
  HDEL: (db, args) => {
    arity(args, 2, 'HDEL');
    const key = args[0] as string;
    const hash = hashOf(db, key, false);
    if (!hash) return 0;
    const removed = args.slice(1).filter((field) => hash.delete(field)).length;
    db.dropIfEmpty(key);
    return removed;
  },
  HINCRBY: (db, args) => {
    arity(args, 3, 'HINCRBY');
    const hash = hashOf(db, args[0] as string, true) as Map<string, string>;
    const field = args[1] as string;
    const current = hash.get(field);
    const base = current === undefined ? 0 : Number(current);
    if (!Number.isInteger(base)) throw new ReplyError('ERR hash value is not an integer');
    const next = base + integer(args[2]);
    hash.set(field, String(next));
    return next;
  },
  HLEN: (db, args) => hashOf(db, args[0] as string, false)?.size ?? 0,

  // sorted sets
  ZADD: (db, args) => {
    const key = args[0] as string;
    let i = 1;
    const flags = new Set<string>();
    while (
      i < args.length &&
      ['NX', 'XX', 'GT', 'LT', 'CH'].includes(args[i]?.toUpperCase() ?? '')
    ) {
      flags.add((args[i] as string).toUpperCase());
      i++;
    }
    const pairs = args.slice(i);
    if (pairs.length === 0 || pairs.length % 2 !== 0) throw new ReplyError('ERR syntax error');
    if (flags.has('NX') && (flags.has('XX') || flags.has('GT') || flags.has('LT'))) {
      throw new ReplyError('ERR GT, LT, and/or NX options at the same time are not compatible');
    }
    const scores = pairs.filter((_, j) => j % 2 === 0).map(parseScore);
    const zset = zsetOf(db, key, !flags.has('XX')) ?? new Map<string, number>();
    let changed = 0;
    pairs.forEach((member, j) => {
      if (j % 2 === 0) return;
      const score = scores[(j - 1) / 2] as number;
      const current = zset.get(member);
      if (current === undefined) {
        if (flags.has('XX')) return;
        zset.set(member, score);
        changed++;
        return;
      }
      if (flags.has('NX')) return;
      if (flags.has('GT') && score <= current) return;
      if (flags.has('LT') && score >= current) return;
      if (score !== current) {
        zset.set(member, score);
        if (flags.has('CH')) changed++;
      }
    });
    db.dropIfEmpty(key);
    return changed;
  },
  ZSCORE: (db, args) => {
    const score = zsetOf(db, args[0] as string, false)?.get(args[1] as string);
    return score === undefined ? null : formatScore(score);
  },
  ZCARD: (db, args) => zsetOf(db, args[0] as string, false)?.size ?? 0,
  ZCOUNT: (db, args) => {
    arity(args, 3, 'ZCOUNT');
    const min = scoreBound(args[1] as string);
    const max = scoreBound(args[2] as string);
    const zset = zsetOf(db, args[0] as string, false);
    let count = 0;
    for (const score of zset?.values() ?? []) if (inRange(score, min, max)) count++;
    return count;
  },
  ZRANGE: (db, args) => {
    arity(args, 3, 'ZRANGE');
    const [key, start, stop, ...options] = args as [string, string, string, ...string[]];
    const byScore = options.findIndex((option) => option.toUpperCase() === 'BYSCORE');
    if (byScore >= 0) {
      options.splice(byScore, 1);
      return rangeByScore(db, key, start, stop, options);
    }
    const withScores = options.some((option) => option.toUpperCase() === 'WITHSCORES');
    const members = sortedMembers(zsetOf(db, key, false) ?? new Map());
    const length = members.length;
    let from = integer(start);
    let to = integer(stop);
    if (from < 0) from = Math.max(0, length + from);
    if (to < 0) to = length + to;
    return members
      .slice(from, to + 1)
      .flatMap(([member, score]) => (withScores ? [member, formatScore(score)] : [member]));
  },
  ZRANGEBYSCORE: (db, args) => {
    arity(args, 3, 'ZRANGEBYSCORE');
    return rangeByScore(db, args[0] as string, args[1] as string, args[2] as string, args.slice(3));
  },
  ZREMRANGEBYSCORE: (db, args) => {
    arity(args, 3, 'ZREMRANGEBYSCORE');
    const key = args[0] as string;
    const min = scoreBound(args[1] as string);
    const max = scoreBound(args[2] as string);
    const zset = zsetOf(db, key, false);
    let removed = 0;
    for (const [member, score] of zset ?? []) {
      if (inRange(score, min, max)) {
        zset?.delete(member);
        removed++;
      }
    }
    db.dropIfEmpty(key);
    return removed;
  },
  ZREM: (db, args) => {
    arity(args, 2, 'ZREM');
    const key = args[0] as string;
    const zset = zsetOf(db, key, false);
    if (!zset) return 0;
    const removed = args.slice(1).filter((member) => zset.delete(member)).length;
    db.dropIfEmpty(key);
    return removed;
  },
  ZPOPMIN: (db, args) => {
    const key = args[0] as string;
    const count = args[1] === undefined ? 1 : integer(args[1]);
    const zset = zsetOf(db, key, false);
    if (!zset) return [];
    const popped = sortedMembers(zset).slice(0, count);
    for (const [member] of popped) zset.delete(member);
    db.dropIfEmpty(key);
    return popped.flatMap(([member, score]) => [member, formatScore(score)]);
  },

  // streams
  XADD: (db, args) => {
    const key = args[0] as string;
    let i = 1;
    let maxLength: number | undefined;
    let noMakeStream = false;
    for (; i < args.length; i++) {
      const option = args[i]?.toUpperCase();
      if (option === 'NOMKSTREAM') noMakeStream = true;
      else if (option === 'MAXLEN') {
        if (args[i + 1] === '~' || args[i + 1] === '=') i++;
        maxLength = integer(args[++i]);
      } else break;
    }
    const idText = args[i] as string;
    const fields = args.slice(i + 1);
    if (idText === undefined || fields.length === 0 || fields.length % 2 !== 0) {
      throw new ReplyError("ERR wrong number of arguments for 'xadd' command");
    }
    let stream = streamOf(db, key);
    if (!stream) {
      if (noMakeStream) return null;
      stream = { type: 'stream', entries: [], lastId: [0, 0], groups: new Map() };
      db.set(key, stream);
    }
    let id: StreamId;
    if (idText === '*') {
      const now = Date.now();
      id = now > stream.lastId[0] ? [now, 0] : [stream.lastId[0], stream.lastId[1] + 1];
    } else {
      id = parseId(idText, 0);
      if (compareIds(id, stream.lastId) <= 0) {
        throw new ReplyError(
          'ERR The ID specified in XADD is equal or smaller than the target stream top item',
        );
      }
    }
    stream.entries.push({ id, fields });
    stream.lastId = id;
    if (maxLength !== undefined && stream.entries.length > maxLength) {
      stream.entries.splice(0, stream.entries.length - maxLength);
    }
    db.notifyStreamWrite();
    return formatId(id);
  },
  XLEN: (db, args) => streamOf(db, args[0] as string)?.entries.length ?? 0,
  XDEL: (db, args) => {
    const stream = streamOf(db, args[0] as string);
    if (!stream) return 0;
    const ids = new Set(args.slice(1).map((text) => formatId(parseId(text, 0))));
    const before = stream.entries.length;
    stream.entries = stream.entries.filter((entry) => !ids.has(formatId(entry.id)));
    return before - stream.entries.length;
  },
  XRANGE: (db, args) => {
    arity(args, 3, 'XRANGE');
    return streamRange(db, args, false);
  },
  XREVRANGE: (db, args) => {
    arity(args, 3, 'XREVRANGE');
    // Same as XRANGE with the bounds given end first and the entries newest first.
    const [key, endText, startText, ...rest] = args as string[];
    return streamRange(db, [key as string, startText as string, endText as string, ...rest], true);
  },
  XGROUP: (db, args) => {
    const sub = args[0]?.toUpperCase();
    const key = args[1] as string;
    const group = args[2] as string;
    if (sub === 'CREATE') {
      let stream = streamOf(db, key);
      if (!stream) {
        if (!args.slice(4).some((arg) => arg.toUpperCase() === 'MKSTREAM')) {
          throw new ReplyError(
            'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
          );
        }
        stream = { type: 'stream', entries: [], lastId: [0, 0], groups: new Map() };
        db.set(key, stream);
      }
      if (stream.groups.has(group)) {
        throw new ReplyError('BUSYGROUP Consumer Group name already exists');
      }
      const idText = args[3] as string;
      stream.groups.set(group, {
        lastDelivered: idText === '$' ? stream.lastId : parseId(idText, 0),
        pending: new Map(),
        consumers: new Set(),
      });
      return 'OK';
    }
    if (sub === 'DESTROY') {
      return streamOf(db, key)?.groups.delete(group) ? 1 : 0;
    }
    if (sub === 'CREATECONSUMER') {
      const [, state] = groupOf(db, key, group);
      const had = state.consumers.has(args[3] as string);
      state.consumers.add(args[3] as string);
      return had ? 0 : 1;
    }
    if (sub === 'DELCONSUMER') {
      const [, state] = groupOf(db, key, group);
      const consumer = args[3] as string;
      let pending = 0;
      for (const [id, entry] of state.pending) {
        if (entry.consumer === consumer) {
          state.pending.delete(id);
          pending++;
        }
      }
      state.consumers.delete(consumer);
      return pending;
    }
    throw new ReplyError(`ERR unknown subcommand '${args[0]}'`);
  },
  XACK: (db, args) => {
    arity(args, 3, 'XACK');
    const stream = streamOf(db, args[0] as string);
    const state = stream?.groups.get(args[1] as string);
    if (!state) return 0;
    return args.slice(2).filter((text) => state.pending.delete(formatId(parseId(text, 0)))).length;
  },
  XPENDING: (db, args) => {
    arity(args, 2, 'XPENDING');
    const [, state] = groupOf(db, args[0] as string, args[1] as string);
    const pending = sortedPending(state);
    if (args.length === 2) {
      if (pending.length === 0) return [0, null, null, null];
      const perConsumer = new Map<string, number>();
      for (const [, entry] of pending) {
        perConsumer.set(entry.consumer, (perConsumer.get(entry.consumer) ?? 0) + 1);
      }
      return [
        pending.length,
        pending[0]?.[0] as string,
        pending[pending.length - 1]?.[0] as string,
        [...perConsumer].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([c, n]) => [c, String(n)]),
      ];
    }
    let i = 2;
    let minIdle = 0;
    if (args[i]?.toUpperCase() === 'IDLE') {
      minIdle = integer(args[i + 1]);
      i += 2;
    }
    const start = args[i] === '-' ? ([0, 0] as const) : parseId(args[i] as string, 0);
    const end =
      args[i + 1] === '+'
        ? ([Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] as const)
        : parseId(args[i + 1] as string, Number.MAX_SAFE_INTEGER);
    const count = integer(args[i + 2]);
    const consumer = args[i + 3];
    const now = Date.now();
    return pending
      .filter(([id, entry]) => {
        const parsed = parseId(id, 0);
        return (
          compareIds(parsed, start) >= 0 &&
          compareIds(parsed, end) <= 0 &&
          now - entry.deliveredAt >= minIdle &&
          (consumer === undefined || entry.consumer === consumer)
        );
      })
      .slice(0, count)
      .map(([id, entry]) => [id, entry.consumer, now - entry.deliveredAt, entry.deliveries]);
  },
  XAUTOCLAIM: (db, args) => {
    arity(args, 5, 'XAUTOCLAIM');
    const [key, group, consumer, minIdleText, startText, ...options] = args as string[];
    const [stream, state] = groupOf(db, key as string, group as string);
    const minIdle = integer(minIdleText);
    let count = 100;
    let justId = false;
    for (let i = 0; i < options.length; i++) {
      const option = options[i]?.toUpperCase();
      if (option === 'COUNT') count = integer(options[++i]);
      else if (option === 'JUSTID') justId = true;
      else throw new ReplyError('ERR syntax error');
    }
    const start = parseId(startText as string, 0);
    const now = Date.now();
    const claimed: RedisReply[] = [];
    const deleted: RedisReply[] = [];
    let next = '0-0';
    // As Redis: COUNT bounds the entries claimed, and at most COUNT * 10 are looked at.
    let attempts = count * 10;
    let left = count;
    state.consumers.add(consumer as string);
    for (const [id, entry] of sortedPending(state)) {
      if (compareIds(parseId(id, 0), start) < 0) continue;
      if (attempts === 0 || left === 0) {
        next = id;
        break;
      }
      attempts--;
      if (now - entry.deliveredAt < minIdle) continue;
      const found = stream.entries.find((e) => formatId(e.id) === id);
      if (!found) {
        state.pending.delete(id);
        deleted.push(id);
        continue;
      }
      entry.consumer = consumer as string;
      entry.deliveredAt = now;
      if (!justId) entry.deliveries++;
      claimed.push(justId ? id : entryReply(found));
      left--;
    }
    return [next, claimed, deleted];
  },
  XREAD: (db, args) => {
    const { count, keys, ids } = readOptions(args);
    const resolved = ids.map((id, i) =>
      id === '$' ? formatId(streamOf(db, keys[i] as string)?.lastId ?? [0, 0]) : id,
    );
    return readStreams(db, keys, resolved, count);
  },
  XREADGROUP: (db, args) => {
    if (args[0]?.toUpperCase() !== 'GROUP') throw new ReplyError('ERR syntax error');
    const group = args[1] as string;
    const consumer = args[2] as string;
    const rest = args.slice(3);
    const noAck = rest.some((arg) => arg.toUpperCase() === 'NOACK');
    const { count, keys, ids } = readOptions(rest);
    return readGroup(db, group, consumer, keys, ids, count, noAck);
  },
};
