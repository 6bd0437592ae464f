import { EventEmitter } from 'node:events';
import { Cleaner } from './cleaner.js';
import { callWithDeadline, toSessError, withDeadline } from './deadline.js';
import { SessError } from './errors.js';
import { xaddEntry } from './event-entry.js';
import { isStreamed } from './event-stream-options.js';
import { type Subscription, subscribeToEvents } from './event-subscriber.js';
import { KeyLayout } from './key-layout.js';
import { attachObserver, observeOperation, type StoreOperation } from './observer.js';
import type { CommandCall, PortCall, RedisPort, RedisReply } from './redis-port.js';
import type { SessionEvent, SessionEventType } from './session-events.js';
import { assertSessionId, newSessionId } from './session-id.js';
import { expiryOf, META, pairsToMap, SessionRecord, type SessionTimes } from './session-record.js';
import { claimScript, createScript, saveScript, takeScript } from './session-scripts.js';
import {
  type ReplicationShortfall,
  type ResolvedStoreOptions,
  resolveStoreOptions,
  type SessionStoreOptions,
} from './store-options.js';
import { formatStoredTimes, parseStoredTimes, type StoredTimes } from './stored-times.js';
import type { SubscribeOptions } from './subscribe-options.js';

/** What a commit did. `gone`: the session was destroyed or expired meanwhile, nothing was written. */
export type CommitResult = 'created' | 'saved' | 'unchanged' | 'gone';

export interface RegenerateOptions {
  /** Attributes carried to the new id. @default 'all' */
  keep?: 'all' | 'none' | readonly string[];
  /** Sign the new session in as this principal: the absolute timeout starts again, the limit applies. */
  principal?: string;
}

/** `SessionStore[LOAD_CHECKED]`: a load that skips the id check (see there). */
export const LOAD_CHECKED = Symbol('sess.loadChecked');

type LocalEvents = { [K in Exclude<SessionEventType, 'expired'>]: [SessionEvent] };

/**
 * The session repository (DESIGN §4–§5). Every operation has a deadline and costs the round
 * trips the design allows; nothing here knows HTTP.
 */
export class SessionStore {
  readonly keys: KeyLayout;
  /** This instance's expired-session cleaner (undefined with `cleaner: false`): stats, events, `runOnce()`. */
  readonly cleaner: Cleaner | undefined;
  readonly #options: ResolvedStoreOptions;
  readonly #port: RedisPort;
  readonly #emitter = new EventEmitter<LocalEvents>();
  readonly #subscriptions = new Set<Subscription>();
  #closed = false;

  constructor(options: SessionStoreOptions) {
    this.#options = resolveStoreOptions(options);
    this.#port = this.#options.port;
    this.keys = new KeyLayout(this.#options.prefix, this.#options.buckets);
    const cleaner = this.#options.cleaner;
    if (cleaner) {
      this.cleaner = new Cleaner({
        port: this.#port,
        keys: this.keys,
        options: cleaner,
        grace: this.#options.grace,
        absoluteTimeout: this.#options.absoluteTimeout,
        operationTimeout: this.#options.operationTimeout,
        eventStream: this.#options.eventStream,
        now: this.#options.now,
      });
      this.cleaner.start();
    }
    if (this.#options.observer) attachObserver(this, this.#options.observer);
  }

  get options(): Readonly<ResolvedStoreOptions> {
    return this.#options;
  }

  /** Listens to what this instance did. Other instances' events come from the stream. */
  on<K extends keyof LocalEvents>(type: K, listener: (event: SessionEvent) => void): this {
    this.#emitter.on(type, listener as never);
    return this;
  }

  off<K extends keyof LocalEvents>(type: K, listener: (event: SessionEvent) => void): this {
    this.#emitter.off(type, listener as never);
    return this;
  }

  /** A new session that exists only in memory until its first commit. */
  new(attributes?: Record<string, unknown>): SessionRecord {
    const record = new SessionRecord(newSessionId(), {
      times: this.#freshTimes(this.#options.now()),
      principal: undefined,
      stored: new Map(),
      serializer: this.#options.serializer,
      isNew: true,
    });
    for (const [name, value] of Object.entries(attributes ?? {})) record.set(name, value);
    return record;
  }

  /** Creates and saves a session: one round trip (two when a principal limit evicts or rejects). */
  async create(
    attributes?: Record<string, unknown>,
    options?: { principal?: string },
  ): Promise<SessionRecord> {
    const record = this.new(attributes);
    if (options?.principal !== undefined) {
      return this.regenerate(record, { principal: options.principal });
    }
    await this.commit(record, { force: true });
    return record;
  }

  /** The session with this id, or null if there is none or it expired (even if Redis still holds it). */
  load(id: string): Promise<SessionRecord | null> {
    return new Promise((resolve, reject) => {
      assertSessionId(id);
      this[LOAD_CHECKED](id, resolve, reject);
    });
  }

  /**
   * `load` of an id checked already, with callbacks (exactly one is called, never
   * synchronously), for `HttpSessions.openWith`. Its cookie accepts only well-formed ids, and a
   * second check cost every read about 2,000 instructions (`npm run instructions -w
   * @sess/bench-peers`); callbacks spare it the promises (see `callWithDeadline`).
   * Package-internal: the symbol is not exported from the index.
   */
  [LOAD_CHECKED](
    id: string,
    onRecord: (record: SessionRecord | null) => void,
    onError: (error: unknown) => void,
  ): void {
    let now: number;
    try {
      this.#assertOpen();
      now = this.#options.now();
    } catch (error) {
      queueMicrotask(() => onError(error));
      return;
    }
    // No signal: the deadline settles the load whatever the port does, and a read that
    // reaches Redis late changes nothing there, so a port's own abort would buy nothing but
    // cost every read a guard (about 5,000 instructions with node-redis' port). Every write
    // still gets the signal.
    const send = () => this.#port.send(hgetall(this.keys.session(id)));
    const toRecord = (reply: RedisReply) => this.#recordFrom(id, reply, now);
    const observer = this.#options.observer;
    if (observer) {
      this.#call('load', send, toRecord).then(onRecord, onError);
      return;
    }
    callWithDeadline(this.#options.operationTimeout, 'load', send, toRecord, onRecord, onError);
  }

  /**
   * Whether `commit(record)` would send anything: an attribute changed, a touch is due, or a new
   * session has attributes. No Redis call; lets a request with nothing to save finish at once.
   */
  needsCommit(record: SessionRecord): boolean {
    // The touch first: it needs no serialization, which `commit` then does once.
    return (!record.isNew && this.#touchDue(record, this.#options.now())) || record.hasChanges();
  }

  /**
   * Writes what changed: the attributes whose serialized form differs from what was loaded,
   * the removed ones, and the new expiry if a touch is due. Nothing changed and no touch due
   * costs nothing. Never recreates a session that was destroyed or expired meanwhile.
   */
  async commit(record: SessionRecord, options?: { force?: boolean }): Promise<CommitResult> {
    this.#assertOpen();
    const now = this.#options.now();
    const changes = record.changes(this.#options);
    if (record.isNew) {
      if (!options?.force && changes.set.size === 0) return 'unchanged';
      const times = this.#freshTimes(now);
      const event: SessionEvent = { type: 'created', id: record.id, at: now };
      const acks: number[] = [];
      await this.#insert(record, times, changes, undefined, this.#eventCalls(event), acks);
      this.#emit(event);
      this.#settleReplication('create', [record.id], acks);
      return 'created';
    }
    const touchDue = this.#touchDue(record, now);
    const dirty = changes.set.size > 0 || changes.removed.length > 0;
    if (!dirty && !touchDue && !options?.force) return 'unchanged';
    if (record.expiresAt <= now) return 'gone';

    // Without a touch due the expiry stays where it is: the save script alone, no index update
    // (DESIGN §5: the bucket's ZADD only when the expiry moved).
    const touch = touchDue || options?.force === true;
    const times: SessionTimes = touch ? { ...record.times, lastAccessAt: now } : record.times;
    const expiresAt = expiryOf(times);
    const fields: string[] = [];
    for (const [name, text] of changes.set) fields.push(name, text);
    if (touch) {
      fields.push(
        META.times,
        formatStoredTimes({ createdAt: times.createdAt, lastAccessAt: now, expiresAt }),
      );
    }
    const id = record.id;
    const calls: PortCall[] = [
      {
        script: saveScript,
        keys: [this.keys.session(id)],
        args: [
          now,
          expiresAt + this.#options.grace,
          fields.length / 2,
          ...fields,
          ...changes.removed,
        ],
      },
    ];
    // XX: never re-adds an id the cleaner or a destroy already removed.
    if (touch) calls.push(zadd(this.keys.bucketOf(id), expiresAt, id, 'XX'));
    if (touch && record.principal !== undefined) {
      const index = this.keys.principal(record.principal);
      calls.push(zadd(index, expiresAt, id, 'XX'), {
        command: 'PEXPIREAT',
        keys: [index],
        args: [index, expiresAt, 'GT'],
      });
    }
    const [saved] = await this.#batch('commit', calls);
    if (saved !== 1) return 'gone';
    record.committed(changes, times);
    return 'saved';
  }

  /** Destroys a session. Returns false if there was none. Two round trips. */
  async destroy(target: SessionRecord | string, reason?: string): Promise<boolean> {
    const id = typeof target === 'string' ? target : target.id;
    assertSessionId(id);
    if (typeof target !== 'string' && target.isNew) return false;
    const now = this.#options.now();
    const acks: number[] = [];
    const [taken] = await this.#takeAll('destroy', [id], acks);
    const principal = taken?.get(META.principal);
    await this.#batch('destroy', [
      ...this.#unindex(id, principal),
      ...(taken ? this.#eventCalls({ type: 'destroyed', id, principal, at: now, reason }) : []),
    ]);
    if (!taken) return false;
    this.#emit({ type: 'destroyed', id, principal, at: now, reason });
    this.#settleReplication('destroy', [id], acks);
    return true;
  }

  /**
   * Moves a session to a new id (against session fixation), keeping all, none or some of its
   * attributes. With `principal` it is a sign-in: the principal is recorded and indexed, the
   * absolute timeout starts again and `maxSessionsPerPrincipal` applies. Two round trips.
   */
  async regenerate(record: SessionRecord, options: RegenerateOptions = {}): Promise<SessionRecord> {
    this.#assertOpen();
    const now = this.#options.now();
    const principal = options.principal ?? record.principal;
    if (principal !== undefined && (typeof principal !== 'string' || principal.length === 0)) {
      throw new SessError('INVALID_VALUE', 'principal: expected a non-empty string');
    }
    const times =
      options.principal !== undefined || record.isNew
        ? this.#freshTimes(now)
        : { ...record.times, lastAccessAt: now };
    const next = record.carryTo(newSessionId(), options.keep ?? 'all', { times, principal });
    const changes = next.changes(this.#options);
    const oldId = record.id;
    const extra: PortCall[] = [];
    const acks: number[] = [];
    if (!record.isNew) {
      const [taken] = await this.#takeAll('regenerate', [oldId], acks);
      extra.push(...this.#unindex(oldId, taken?.get(META.principal)));
    }
    const event: SessionEvent = record.isNew
      ? {
          type: 'created',
          id: next.id,
          principal,
          at: now,
          reason: options.principal ? 'sign-in' : undefined,
        }
      : {
          type: 'regenerated',
          id: oldId,
          newId: next.id,
          principal,
          at: now,
          reason: options.principal ? 'sign-in' : undefined,
        };
    extra.push(...this.#eventCalls(event));
    await this.#insert(next, times, changes, principal, extra, acks);
    this.#emit(event);
    if (record.isNew) this.#settleReplication('create', [next.id], acks);
    else this.#settleReplication('regenerate', [oldId, next.id], acks);
    return next;
  }

  /** The live sessions of a principal, soonest-expiring first. Two round trips. */
  async findByPrincipal(principal: string): Promise<SessionRecord[]> {
    const now = this.#options.now();
    const ids = await this.#principalIds(principal, now);
    if (ids.length === 0) return [];
    const replies = await this.#batch(
      'findByPrincipal',
      ids.map((id) => hgetall(this.keys.session(id))),
    );
    const records: SessionRecord[] = [];
    ids.forEach((id, i) => {
      const record = this.#recordFrom(id, replies[i] ?? null, now);
      if (record && record.principal === principal) records.push(record);
    });
    return records;
  }

  /** Ends every session of a principal, except `except` if given. Returns how many ended. */
  async revokePrincipal(principal: string, options?: { except?: string }): Promise<number> {
    const now = this.#options.now();
    const ids = (await this.#principalIds(principal, now)).filter((id) => id !== options?.except);
    const acks: number[] = [];
    const revoked = await this.#revoke(ids, now, 'revoked', undefined, acks);
    this.#settleReplication('revoke', ids, acks);
    return revoked;
  }

  /** The exact number of live sessions: one ZCOUNT per bucket, in one round trip. */
  async count(): Promise<number> {
    const now = this.#options.now();
    const replies = await this.#batch(
      'count',
      this.keys.buckets.map((bucket) => ({
        command: 'ZCOUNT',
        keys: [bucket],
        args: [bucket, `(${now}`, '+inf'],
      })),
    );
    return replies.reduce<number>((sum, reply) => sum + Number(reply), 0);
  }

  /**
   * Subscribes to the session events of every instance, from the stream `<prefix>:{events}`.
   * `group` mode: each event to one consumer of the group, acknowledged after the handler
   * resolves. `broadcast` mode: every subscriber gets every event. Reads block on a connection
   * of their own; resolves once events written from now on will be seen.
   */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.#assertOpen();
    const stream = this.#options.eventStream;
    const subscription = await subscribeToEvents(
      {
        port: this.#port,
        stream: this.keys.events,
        deadLetterStream: `${this.keys.events}:dead`,
        maxLength: stream ? stream.maxLength : 100_000,
        operationTimeout: this.#options.operationTimeout,
        onClose: (closed) => this.#subscriptions.delete(closed),
      },
      options,
    );
    if (this.#closed) {
      await subscription.close();
      throw new SessError('CLOSED', 'the session store was closed');
    }
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Stops the cleaner (giving its lease back) and closes this store's subscriptions. The port
   * itself is closed by whoever created it.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#emitter.removeAllListeners();
    await Promise.all([
      this.cleaner?.stop(),
      ...[...this.#subscriptions].map((subscription) => subscription.close()),
    ]);
  }

  // ---- internals -------------------------------------------------------------------------

  /** A loaded session's expiry moves at most once per `touchInterval`. */
  #touchDue(record: SessionRecord, now: number): boolean {
    return now - record.lastAccessAt >= this.#options.touchInterval;
  }

  #freshTimes(now: number): SessionTimes {
    return this.#timesOf(now, now);
  }

  /** The timeouts come from the options, not from the hash: they are policy, not facts. */
  #timesOf(createdAt: number, lastAccessAt: number): SessionTimes {
    return {
      createdAt,
      lastAccessAt,
      idleTimeout: this.#options.idleTimeout,
      deadline: createdAt + this.#options.absoluteTimeout,
    };
  }

  /** The XADD of an event, or nothing when the stream does not take it (`EventStreamOptions`). */
  #eventCalls(event: SessionEvent): PortCall[] {
    const stream = this.#options.eventStream;
    return stream && isStreamed(event, stream)
      ? [xaddEntry(this.keys.events, stream.maxLength, [event])]
      : [];
  }

  /**
   * Writes a new session: the hash, its bucket entry, its principal claim and any extra calls,
   * in one round trip. A rejected claim or evicted sessions cost one more.
   */
  async #insert(
    record: SessionRecord,
    times: SessionTimes,
    changes: { set: Map<string, string>; removed: string[] },
    principal: string | undefined,
    extra: PortCall[],
    acks?: number[],
  ): Promise<void> {
    const now = times.lastAccessAt;
    const id = record.id;
    const expiresAt = expiryOf(times);
    const fields: string[] = [
      META.times,
      formatStoredTimes({ createdAt: times.createdAt, lastAccessAt: now, expiresAt }),
    ];
    if (principal !== undefined) fields.push(META.principal, principal);
    for (const [name, text] of changes.set) fields.push(name, text);
    const calls: PortCall[] = [
      {
        script: createScript,
        keys: [this.keys.session(id)],
        args: [expiresAt + this.#options.grace, ...fields],
      },
      zadd(this.keys.bucketOf(id), expiresAt, id),
    ];
    if (principal !== undefined) {
      const index = this.keys.principal(principal);
      const limit = this.#options.maxSessionsPerPrincipal ?? 0;
      const policy = this.#options.onLimit === 'reject' ? 'reject' : 'evict';
      calls.push({
        script: claimScript,
        keys: [index],
        args: [now, id, expiresAt, limit, policy, expiresAt],
      });
    }
    const waits = acks ? this.#waitCalls([id]) : [];
    calls.push(...extra, ...waits);
    const results = await this.#batch('create', calls);
    if (waits.length > 0) acks?.push(...results.slice(-waits.length).map(Number));
    if (results[0] !== 1) {
      throw new SessError('REDIS_ERROR', 'create: a session with this id exists already');
    }
    if (principal !== undefined) {
      const claim = results[2] as RedisReply[];
      if (claim[0] === 0) {
        await this.#revoke([id], now, 'destroyed', 'limit', acks);
        throw new SessError(
          'LIMIT_REACHED',
          `principal has ${this.#options.maxSessionsPerPrincipal} sessions already (maxSessionsPerPrincipal)`,
        );
      }
      const evicted = claim.slice(1).map(String);
      if (evicted.length > 0) await this.#revoke(evicted, now, 'revoked', 'limit', acks);
    }
    record.committed(changes, times);
  }

  async #principalIds(principal: string, now: number): Promise<string[]> {
    const index = this.keys.principal(principal);
    const [, ids] = await this.#batch('findByPrincipal', [
      { command: 'ZREMRANGEBYSCORE', keys: [index], args: [index, '-inf', now] },
      {
        command: 'ZRANGE',
        keys: [index],
        args: [index, `(${now}`, '+inf', 'BYSCORE', 'LIMIT', 0, 10_000],
      },
    ]);
    return Array.isArray(ids) ? ids.map(String) : [];
  }

  /** Takes (reads and deletes) sessions, then removes their index entries and writes events. */
  async #revoke(
    ids: string[],
    now: number,
    type: 'revoked' | 'destroyed',
    reason?: string,
    acks?: number[],
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const taken = await this.#takeAll(type === 'revoked' ? 'revoke' : 'destroy', ids, acks);
    const calls: PortCall[] = [];
    const events: SessionEvent[] = [];
    ids.forEach((id, i) => {
      const fields = taken[i];
      const principal = fields?.get(META.principal);
      calls.push(...this.#unindex(id, principal));
      if (fields) {
        const event: SessionEvent = { type, id, principal, at: now, reason };
        events.push(event);
        calls.push(...this.#eventCalls(event));
      }
    });
    await this.#batch(type === 'revoked' ? 'revoke' : 'destroy', calls);
    for (const event of events) this.#emit(event);
    return events.length;
  }

  /**
   * Runs the take script on each id in one round trip; undefined where the session was gone.
   * With `acks`, waits for replication in the same round trip and adds what WAIT answered.
   */
  async #takeAll(
    what: StoreOperation,
    ids: readonly string[],
    acks?: number[],
  ): Promise<Array<Map<string, string> | undefined>> {
    const waits = acks ? this.#waitCalls(ids) : [];
    const replies = await this.#batch(what, [
      ...ids.map((id) => ({ script: takeScript, keys: [this.keys.session(id)], args: [] })),
      ...waits,
    ]);
    if (waits.length > 0) acks?.push(...replies.slice(ids.length).map(Number));
    return replies.slice(0, ids.length).map((reply) => {
      const fields = toFieldMap(reply);
      return fields.size > 0 ? fields : undefined;
    });
  }

  /**
   * `WAIT replicas timeoutMs` after the writes to `ids`' sessions (`waitForReplicas`), to go
   * last in the same round trip. WAIT has no key: the session key only routes it (see
   * `CommandCall.keys`) to the connection that took the write. On one connection (standalone,
   * Sentinel) one WAIT covers every write before it; a Cluster port sends one to the node of
   * each session.
   */
  #waitCalls(ids: readonly string[]): CommandCall[] {
    const wait = this.#options.waitForReplicas;
    if (!wait) return [];
    const routed = this.#port.capabilities.cluster ? ids : ids.slice(0, 1);
    return routed.map((id) => ({
      command: 'WAIT',
      keys: [this.keys.session(id)],
      args: [wait.replicas, wait.timeoutMs],
    }));
  }

  /** Fewer replicas than asked for acknowledged: told to `onShortfall`, or the operation fails. */
  #settleReplication(
    operation: ReplicationShortfall['operation'],
    ids: readonly string[],
    acks: readonly number[],
  ): void {
    const wait = this.#options.waitForReplicas;
    if (!wait || acks.length === 0) return;
    const acknowledged = Math.min(...acks);
    if (acknowledged >= wait.replicas) return;
    const shortfall: ReplicationShortfall = {
      operation,
      ids,
      acknowledged,
      replicas: wait.replicas,
    };
    if (wait.onShortfall) {
      // A hook that throws must not turn a finished operation into a failed one.
      try {
        wait.onShortfall(shortfall);
      } catch {}
      return;
    }
    throw new SessError(
      'NOT_REPLICATED',
      `${operation}: ${acknowledged} of ${wait.replicas} replicas acknowledged within ${wait.timeoutMs} ms; the write stands on the master, and a failover before it replicates may undo it`,
    );
  }

  #unindex(id: string, principal: string | undefined): PortCall[] {
    const bucket = this.keys.bucketOf(id);
    const calls: PortCall[] = [{ command: 'ZREM', keys: [bucket], args: [bucket, id] }];
    if (principal !== undefined) {
      const index = this.keys.principal(principal);
      calls.push({ command: 'ZREM', keys: [index], args: [index, id] });
    }
    return calls;
  }

  #recordFrom(id: string, reply: RedisReply | Error, now: number): SessionRecord | null {
    if (!Array.isArray(reply)) return null;
    // One pass: the attributes into the record's pairs, the meta fields (`#` names) read aside.
    const stored: string[] = [];
    let storedTimes: StoredTimes | undefined;
    let principal: string | undefined;
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const name = text(reply[i]);
      const value = text(reply[i + 1]);
      if (!name.startsWith('#')) stored.push(name, value);
      else if (name === META.times) storedTimes = parseStoredTimes(value);
      else if (name === META.principal) principal = value;
    }
    if (storedTimes === undefined || !(storedTimes.expiresAt > now)) return null;
    const times = this.#timesOf(storedTimes.createdAt, storedTimes.lastAccessAt);
    // A timeout shortened since the last write ends the session now, not at the old expiry.
    if (!(expiryOf(times) > now)) return null;
    return new SessionRecord(id, {
      times,
      principal,
      stored,
      serializer: this.#options.serializer,
      isNew: false,
    });
  }

  #emit(event: SessionEvent): void {
    const type = event.type;
    if (type === 'expired') return;
    // A listener that throws must not turn a finished operation into a failed one.
    try {
      this.#emitter.emit(type, event);
    } catch {}
  }

  #assertOpen(): void {
    if (this.#closed) throw new SessError('CLOSED', 'the session store was closed');
  }

  /** `operation` under the deadline and the observer; `then` maps its reply (see `withDeadline`). */
  #call<T, R = T>(
    what: StoreOperation,
    operation: (signal: AbortSignal) => Promise<T>,
    then?: (value: T) => R,
  ): Promise<R> {
    this.#assertOpen();
    const timed = () => withDeadline(this.#options.operationTimeout, what, operation, then);
    const observer = this.#options.observer;
    return observer ? observeOperation(observer, what, timed) : timed();
  }

  /** One round trip; a failed call fails the operation, since every call in it matters. */
  async #batch(what: StoreOperation, calls: PortCall[]): Promise<RedisReply[]> {
    if (calls.length === 0) return [];
    // The error check runs inside the call, so an error reply counts as the round trip's failure.
    return this.#call(what, async (signal) => {
      const results = await this.#port.batch(calls, { signal });
      for (const result of results) if (result instanceof Error) throw toSessError(result, what);
      return results as RedisReply[];
    });
  }
}

function hgetall(key: string): CommandCall {
  return { command: 'HGETALL', keys: [key], args: [key] };
}

function zadd(key: string, score: number, member: string, flag?: 'XX'): CommandCall {
  return {
    command: 'ZADD',
    keys: [key],
    args: flag ? [key, flag, score, member] : [key, score, member],
  };
}

/** A reply element as a string: ports return strings, so `String()` is seldom needed. */
function text(element: RedisReply | undefined): string {
  return typeof element === 'string' ? element : String(element);
}

function toFieldMap(reply: RedisReply | Error | undefined): Map<string, string> {
  return Array.isArray(reply) ? pairsToMap(reply.map(text)) : new Map();
}

/** Shorthand for `new SessionStore(options)`. */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  return new SessionStore(options);
}
