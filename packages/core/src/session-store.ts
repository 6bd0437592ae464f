import { EventEmitter } from 'node:events';
import { Cleaner } from './cleaner.js';
import { startWithDeadline, toSessError } from './deadline.js';
import { isSessError, SessError } from './errors.js';
import { type Subscription, subscribeToEvents } from './event-subscriber.js';
import { KeyLayout } from './key-layout.js';
import { assertLifetime, DEFAULT_LIFETIME, type LifetimePolicy } from './lifetime-policy.js';
import { attachObserver, type StoreOperation } from './observer.js';
import { RecentMap } from './recent-map.js';
import type { CommandCall, PortCall, RedisPort, RedisReply, ScriptCall } from './redis-port.js';
import {
  collectAcks,
  hgetall,
  isWrongType,
  moveState,
  saveCall,
  text,
  toFieldMap,
  zadd,
} from './session-calls.js';
import { normalizeDevice, type SessionDevice } from './session-device.js';
import type { SessionEvent, SessionEventType } from './session-events.js';
import { isSessionHandle, sessionHandle } from './session-handle.js';
import { assertSessionId, newSessionId } from './session-id.js';
import {
  assertAttributeName,
  expiryOf,
  META,
  SessionRecord,
  type SessionTimes,
  sharePairs,
} from './session-record.js';
import { claimScript, createScript, moveScript, takeScript } from './session-scripts.js';
import {
  type ReplicationShortfall,
  type ResolvedStoreOptions,
  resolveStoreOptions,
  type SessionStoreOptions,
} from './store-options.js';
import { StoreRoundTrips } from './store-round-trips.js';
import { formatStoredTimes, parseStoredTimes, type StoredTimes } from './stored-times.js';
import type { SubscribeOptions } from './subscribe-options.js';
import { takeAttributeScript } from './take-attribute-script.js';

/** What a commit did. `gone`: the session was destroyed or expired meanwhile, nothing was written. */
export type CommitResult = 'created' | 'saved' | 'unchanged' | 'gone';

export interface RegenerateOptions {
  /** Attributes carried to the new id. @default 'all' */
  keep?: 'all' | 'none' | readonly string[];
  /**
   * The new session's lifetime policy (one of the store's `lifetimes`, or `default`).
   * @default the session's own; a sign-in leaves `anonymousLifetime` for `default`
   */
  lifetime?: string;
  /**
   * Sign the new session in as this principal: the absolute timeout starts again, the limit
   * applies. If the session being moved ended meanwhile (signed out or revoked elsewhere), the
   * principal still gets a new session, carrying nothing of the one that ended.
   */
  principal?: string;
  /**
   * What the new session records about its device for a "your devices" page: the user agent
   * (cut to 200 characters) and an IP address, kept as its /24 or /48 only.
   * @default the session's own (none for a session that never recorded one)
   */
  device?: SessionDevice;
}

/** `SessionStore[LOAD_CHECKED]`: a load that skips the id check (see there). */
export const LOAD_CHECKED = Symbol('sess.loadChecked');

/** `SessionStore[REGENERATE]`: a regenerate that tells how a gone session went (see there). */
export const REGENERATE = Symbol('sess.regenerate');

/** `SessionStore[READ_FOREIGN]`: a read of a key outside sess' layout (see there). */
export const READ_FOREIGN = Symbol('sess.readForeign');

/** What `importSession` keeps of the old session. */
export interface ImportSessionOptions {
  /** Sign the new session in as this principal (indexed; `maxSessionsPerPrincipal` applies). */
  principal?: string | undefined;
  /** Its lifetime policy. @default `default` for a principal, else `anonymousLifetime` */
  lifetime?: string | undefined;
  /** When the old session began (ms since the epoch): the absolute timeout counts from it. @default now */
  createdAt?: number | undefined;
  /** When the old session would have ended: kept when sooner than the policy's expiry. */
  expiresAt?: number | undefined;
}

/**
 * What `[REGENERATE]` came to: the new session, or none because the old one was gone: `ended`
 * (signed out, revoked, expired) or `moved` (a concurrent request regenerated it first).
 */
export type RegenerateOutcome =
  | { readonly record: SessionRecord; readonly gone?: undefined }
  | { readonly record?: undefined; readonly gone: 'ended' | 'moved' };

/**
 * How many sessions' reads a store keeps made (`#readOf`): as many as the cookies
 * `SessionCookie` remembers, the busy sessions of one instance.
 */
const RECENT_SESSIONS = 4_096;

/** What a session hash says, decoded once per reply a port hands out again (see `#decodedOf`). */
interface DecodedHash {
  /** The attributes' name/value pairs, as stored. */
  readonly stored: readonly string[];
  readonly storedTimes: StoredTimes | undefined;
  /** The times under the lifetime's policy (the policies never change): undefined with `storedTimes`. */
  readonly times: SessionTimes | undefined;
  readonly principal: string | undefined;
  /** One of the store's lifetime policies: an unknown name reads as the default. */
  readonly lifetime: string;
  readonly device: SessionDevice | undefined;
}

type LocalEvents = { [K in Exclude<SessionEventType, 'expired'>]: [SessionEvent] };

/**
 * The session repository. Every operation has a deadline and costs the round trips the design
 * allows; nothing here knows HTTP. Operations that touch several keys are ordered so that a
 * fault between their round trips never brings a session back, never loses one a client holds,
 * and leaves nothing a reader trips on (the design page on consistency has the rule).
 */
export class SessionStore {
  /** Where this store keeps things in Redis: for the `@sess/*` packages (labels, the CLI). @internal */
  readonly keys: KeyLayout;
  /** This instance's expired-session cleaner (undefined with `cleaner: false`): stats, events, `runOnce()`. */
  readonly cleaner: Cleaner | undefined;
  readonly #options: ResolvedStoreOptions;
  readonly #port: RedisPort;
  /** How a load reaches the port: its `sendWith` if it has one, else `send` (see `[LOAD_CHECKED]`). */
  readonly #sendRead: NonNullable<RedisPort['sendWith']>;
  readonly #emitter = new EventEmitter<LocalEvents>();
  readonly #subscriptions = new Set<Subscription>();
  /** Its round trips to Redis, and the repairs of those a fault cut short. */
  readonly #trips: StoreRoundTrips;
  /** How long the mark a move leaves lives (ms): long enough to answer a retried move. */
  readonly #markTtl: number;
  /** The read of each session loaded lately (see `#readOf`). */
  readonly #reads = new RecentMap<string, CommandCall>(RECENT_SESSIONS);
  /** Replies decoded lately, by the reply a caching port hands out again (see `#decodedOf`). */
  readonly #decoded = new WeakMap<readonly RedisReply[], DecodedHash>();
  #closed = false;

  constructor(options: SessionStoreOptions) {
    this.#options = resolveStoreOptions(options);
    this.#port = this.#options.port;
    const port = this.#port;
    this.#sendRead =
      port.sendWith?.bind(port) ??
      ((call, onReply, onError) => port.send(call).then(onReply, onError));
    this.keys = new KeyLayout(this.#options.prefix, this.#options.buckets);
    this.#markTtl = Math.max(60_000, this.#options.grace);
    this.#trips = new StoreRoundTrips({
      options: this.#options,
      keys: this.keys,
      isClosed: () => this.#closed,
      emit: (event) => this.#emit(event),
    });
    const cleaner = this.#options.cleaner;
    if (cleaner) {
      this.cleaner = new Cleaner({
        port: this.#port,
        keys: this.keys,
        options: cleaner,
        grace: this.#options.grace,
        lifetimes: this.#options.lifetimes,
        operationTimeout: this.#options.operationTimeout,
        eventStream: this.#options.eventStream,
        now: this.#options.now,
      });
      this.cleaner.start();
    }
    if (this.#options.observer) attachObserver(this, this.#options.observer);
  }

  /** The options with their defaults filled in: for the `@sess/*` packages. @internal */
  get options(): Readonly<ResolvedStoreOptions> {
    return this.#options;
  }

  /**
   * Operations a fault cut short that this instance finishes once Redis answers again (index
   * entries of ended sessions, events, half-made sessions to remove). 0 in normal operation.
   */
  get pendingRepairs(): number {
    return this.#trips.repairs.size;
  }

  /** Tries every pending repair now, once. For tests and for a graceful shutdown. */
  repairNow(): Promise<void> {
    return this.#trips.repairs.drain();
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
    const lifetime = this.#options.anonymousLifetime;
    const record = new SessionRecord(newSessionId(), {
      times: this.#freshTimes(this.#options.now(), lifetime),
      principal: undefined,
      lifetime,
      stored: new Map(),
      serializer: this.#options.serializer,
      isNew: true,
    });
    for (const [name, value] of Object.entries(attributes ?? {})) record.set(name, value);
    return record;
  }

  /** Creates and saves a session: one round trip (more when a principal limit ends others). */
  async create(
    attributes?: Record<string, unknown>,
    options?: { principal?: string; device?: SessionDevice },
  ): Promise<SessionRecord> {
    const record = this.new(attributes);
    if (options?.principal !== undefined) {
      const device = options.device;
      return this.regenerate(record, {
        principal: options.principal,
        ...(device === undefined ? {} : { device }),
      });
    }
    await this.commit(record, { force: true });
    return record;
  }

  /**
   * The session with this id, or null if there is none or it expired (even if Redis still holds
   * it). A key that holds something other than a session reads as none (and is reported to the
   * observer), so a stray key never locks its cookie's holder out.
   */
  load(id: string): Promise<SessionRecord | null> {
    return new Promise((resolve, reject) => {
      assertSessionId(id);
      this[LOAD_CHECKED](id, resolve, reject);
    });
  }

  /**
   * `load` of an id checked already, with callbacks (exactly one is called, never
   * synchronously), for `HttpSessions.openWith`: its cookie accepts only well-formed ids, so a
   * second check would be spent on every read, and callbacks spare the read its promises (see
   * `startWithDeadline`). Package-internal: the symbol is not exported from the index.
   */
  [LOAD_CHECKED](
    id: string,
    onRecord: (record: SessionRecord | null) => void,
    onError: (error: unknown) => void,
  ): void {
    let now: number;
    try {
      this.#trips.assertOpen();
      now = this.#options.now();
    } catch (error) {
      queueMicrotask(() => onError(error));
      return;
    }
    // No signal: the deadline settles the load whatever the port does, and a read that
    // reaches Redis late changes nothing there, so a port's own abort would buy nothing but
    // cost every read a guard. Every write still gets the signal.
    const read = this.#readOf(id);
    const toRecord = (reply: RedisReply) => this.#recordFrom(id, reply, now);
    const failed = (error: unknown): void => {
      if (!this.#unreadable(error)) {
        onError(error);
        return;
      }
      onRecord(null);
    };
    if (this.#options.observer) {
      this.#trips.call('load', () => this.#port.send(read), toRecord).then(onRecord, failed);
      return;
    }
    const send = this.#sendRead;
    startWithDeadline(
      this.#options.operationTimeout,
      'load',
      (_deadline, settle, fail) => send(read, settle, fail),
      toRecord,
      onRecord,
      failed,
    );
  }

  /**
   * Whether `commit(record)` would send anything: an attribute changed, a touch is due, or a new
   * session has attributes. No Redis call; lets a request with nothing to save finish at once.
   */
  needsCommit(record: SessionRecord): boolean {
    // The touch first: it needs no serialization, which `commit` then does once.
    return (
      (!record.isNew && (record.lifetimeChanged || this.#touchDue(record, this.#options.now()))) ||
      record.hasChanges()
    );
  }

  /**
   * Moves a session to another lifetime policy in place (same id), counting its idle timeout
   * from now and its absolute one from its creation; written by the next commit. To change it
   * at sign-in, give `lifetime` to `regenerate` instead.
   */
  setLifetime(record: SessionRecord, lifetime: string): void {
    assertLifetime(this.#options.lifetimes, lifetime, 'lifetime', 'INVALID_VALUE');
    const now = this.#options.now();
    record.useLifetime(lifetime, this.#timesOf(record.createdAt, now, lifetime));
  }

  /**
   * Writes what changed: the attributes whose serialized form differs from what was loaded,
   * the removed ones, and the new expiry if a touch is due. Nothing changed and no touch due
   * costs nothing. Never recreates a session that was destroyed or expired meanwhile.
   */
  async commit(record: SessionRecord, options?: { force?: boolean }): Promise<CommitResult> {
    this.#trips.assertOpen();
    const now = this.#options.now();
    const changes = record.changes(this.#options);
    if (record.isNew) {
      if (!options?.force && changes.set.size === 0) return 'unchanged';
      const times = this.#freshTimes(now, record.lifetime);
      const acks: number[] = [];
      await this.#insert(record, times, changes, undefined, acks, {
        type: 'created',
        id: record.id,
        at: now,
      });
      this.#settleReplication('create', [record.id], acks);
      return 'created';
    }
    const touchDue = this.#touchDue(record, now) || record.lifetimeChanged;
    const dirty = changes.set.size > 0 || changes.removed.length > 0;
    if (!dirty && !touchDue && !options?.force) return 'unchanged';
    if (record.expiresAt <= now) return 'gone';

    // Without a touch due the expiry stays where it is: the save script alone, no index update.
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
    const removed = changes.removed;
    if (record.lifetimeChanged) {
      if (record.lifetime === DEFAULT_LIFETIME) removed.push(META.lifetime);
      else fields.push(META.lifetime, record.lifetime);
    }
    const id = record.id;
    const calls: PortCall[] = [
      saveCall(this.keys.session(id), now, expiresAt + this.#options.grace, fields, removed),
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
    const [saved] = await this.#trips.batch('commit', calls);
    if (saved !== 1) return 'gone';
    record.committed(changes, times);
    return 'saved';
  }

  /**
   * Reads and removes one attribute in one step: of any number of concurrent takes of a value
   * (across requests and instances), exactly one gets it. For read-once values: an OAuth
   * `state`, a CSRF nonce, a flash message. One round trip (a script on the session's hash);
   * none for a record not stored yet, whose attributes no one else can see.
   *
   * For a stored session, Redis is what counts: the value returned is the one stored there,
   * and the attribute leaves `record` altogether (a change made to it in `record` and not
   * committed is dropped). Resolves to undefined when there is no such attribute, or the
   * session ended or expired. A stored value the serializer refuses is removed all the same,
   * and rejects with `INVALID_VALUE`.
   */
  async take(target: SessionRecord | string, name: string): Promise<unknown> {
    assertAttributeName(name);
    if (typeof target !== 'string' && target.isNew) {
      const value = target.get(name);
      target.delete(name);
      return value;
    }
    const id = typeof target === 'string' ? target : target.id;
    assertSessionId(id);
    this.#trips.assertOpen();
    const now = this.#options.now();
    const [reply] = await this.#trips.batch('take', [
      { script: takeAttributeScript, keys: [this.keys.session(id)], args: [now, name] },
    ]);
    if (typeof target !== 'string' && reply !== 0) target.forget(name);
    if (reply === null || reply === undefined || reply === 0) return undefined;
    return this.#options.serializer.parse(text(reply));
  }

  /**
   * Destroys a session. Returns false if there was none. Two round trips: the session is taken
   * (read and deleted in one step), then its index entries and its `destroyed` event go. Once
   * the first has answered the session is over, whatever happens to the second.
   */
  async destroy(target: SessionRecord | string, reason?: string): Promise<boolean> {
    const id = typeof target === 'string' ? target : target.id;
    assertSessionId(id);
    if (typeof target !== 'string' && target.isNew) return false;
    this.#trips.assertOpen();
    const acks: number[] = [];
    const principal = typeof target === 'string' ? undefined : target.principal;
    const ended = await this.#end('destroy', [id], 'destroyed', { reason, principal, acks });
    this.#settleReplication('destroy', [id], acks);
    return ended > 0;
  }

  /**
   * Moves a session to a new id (against session fixation), keeping all, none or some of its
   * attributes. With `principal` it is a sign-in: the principal is recorded and indexed, the
   * absolute timeout starts again and `maxSessionsPerPrincipal` applies.
   *
   * The new session is created before the old one is taken, so no failure loses the session:
   * either the old one is still there or the new one is returned. If the old one ended
   * meanwhile (signed out, revoked, expired), nothing of it is carried: a plain regenerate
   * fails with `SESSION_GONE`, a sign-in returns a new session without its attributes.
   * Three round trips.
   */
  async regenerate(record: SessionRecord, options: RegenerateOptions = {}): Promise<SessionRecord> {
    const outcome = await this[REGENERATE](record, options);
    if (outcome.record !== undefined) return outcome.record;
    throw new SessError(
      'SESSION_GONE',
      outcome.gone === 'moved'
        ? 'regenerate: a concurrent request moved this session to a new id first'
        : 'regenerate: the session was signed out, revoked or expired meanwhile',
    );
  }

  /**
   * `regenerate` that says how a gone session went, for `SessionScope` (package-internal).
   * `nextId`: the new session's id when the request handed one out already (express-session's
   * `regenerate(cb)` gives the new id before the move).
   */
  async [REGENERATE](
    record: SessionRecord,
    options: RegenerateOptions = {},
    nextId: string = newSessionId(),
  ): Promise<RegenerateOutcome> {
    this.#trips.assertOpen();
    const now = this.#options.now();
    const signIn = options.principal !== undefined;
    const principal = options.principal ?? record.principal;
    if (principal !== undefined && (typeof principal !== 'string' || principal.length === 0)) {
      throw new SessError('INVALID_VALUE', 'principal: expected a non-empty string');
    }
    const lifetime = this.#lifetimeAfter(record, options);
    const times =
      signIn || record.isNew
        ? this.#freshTimes(now, lifetime)
        : this.#timesOf(record.createdAt, now, lifetime);
    const device = options.device === undefined ? record.device : normalizeDevice(options.device);
    const next = record.carryTo(nextId, options.keep ?? 'all', {
      times,
      principal,
      device,
      lifetime,
    });
    const changes = next.changes(this.#options);
    const reason = signIn ? 'sign-in' : undefined;
    const acks: number[] = [];
    // A session that was never written has nothing to move: the new one is a creation, and
    // its `created` event rides in the creation's round trip.
    const doomed = await this.#insert(
      next,
      times,
      changes,
      principal,
      acks,
      record.isNew ? { type: 'created', id: next.id, principal, at: now, reason } : undefined,
    );
    if (record.isNew) {
      await this.#endDoomed(doomed, acks);
      this.#settleReplication('create', [next.id], acks);
      return { record: next };
    }

    const move = this.#moveCall(record.id, next.id, now);
    let moved: RedisReply | Error;
    try {
      const replies = await this.#trips.send('regenerate', [move, ...this.#waitCalls([record.id])]);
      moved = replies[0] as RedisReply | Error;
      collectAcks(replies.slice(1), acks);
    } catch (error) {
      if (!isSessError(error, 'UNAVAILABLE')) {
        await this.#discard(next.id, principal);
        throw error;
      }
      // No answer: the old session may have moved or not. The caller gets the new one (a
      // client must hold one of the two), and this instance settles the move once Redis
      // answers: the old one's end, or the new one's if the old had ended before the move.
      this.#trips.repairs.add('regenerate', error, () =>
        this.#settleMove(record, next, signIn, now),
      );
      if (doomed.length > 0) {
        const facts = { reason: 'limit' };
        this.#trips.repairs.add('revoke', error, () =>
          this.#endOnce('repair', doomed, 'revoked', facts, false).then(),
        );
      }
      return { record: next };
    }
    if (moved instanceof Error) {
      // Refused (not a session, a script error): the old session is as it was.
      await this.#discard(next.id, principal);
      throw toSessError(moved, 'regenerate');
    }
    const state = moveState(moved, next.id);
    if (state === 'moved') {
      const event = movedEvent(record, next, now, reason);
      await this.#trips.finish('regenerate', this.#unindex(record.id, record.principal), [event]);
      await this.#endDoomed(doomed, acks);
      this.#settleReplication('regenerate', [record.id, next.id], acks);
      return { record: next };
    }
    // The old session was gone before the move: nothing of it may live on.
    if (!signIn) {
      await this.#discard(next.id, principal);
      await this.#endDoomed(doomed, acks);
      return { gone: state === 'moved-elsewhere' ? 'moved' : 'ended' };
    }
    const fresh = await this.#strip(next, changes.set.keys(), now);
    await this.#endDoomed(doomed, acks);
    if (fresh === null) return { gone: 'ended' };
    await this.#trips.finish(
      'create',
      [],
      [{ type: 'created', id: next.id, principal, at: now, reason }],
    );
    this.#settleReplication('create', [next.id], acks);
    return { record: fresh };
  }

  /**
   * Creates a session from what another session library stored (lazy migration; the HTTP
   * option `migrateFrom` calls it): the attributes, a principal, and the old session's creation
   * and expiry where it had them. The expiry is the old one when sooner than the policy's from
   * now, and moves on with the next touch like any session's. One round trip (more when the
   * principal's limit ends others). Null when the old session was over already.
   */
  async importSession(
    attributes: Readonly<Record<string, unknown>>,
    options: ImportSessionOptions = {},
  ): Promise<SessionRecord | null> {
    this.#trips.assertOpen();
    const now = this.#options.now();
    const principal = options.principal;
    if (principal !== undefined && (typeof principal !== 'string' || principal.length === 0)) {
      throw new SessError('INVALID_VALUE', 'principal: expected a non-empty string');
    }
    const lifetime =
      options.lifetime ??
      (principal === undefined ? this.#options.anonymousLifetime : DEFAULT_LIFETIME);
    assertLifetime(this.#options.lifetimes, lifetime, 'lifetime', 'INVALID_VALUE');
    const createdAt = Math.min(now, finiteOr(options.createdAt, now));
    const policy = this.#policy(lifetime);
    // The last access that puts the idle expiry at the old expiry, when that is sooner. It
    // may fall before the creation: stored times are signed offsets.
    const lastAccessAt = Math.min(
      now,
      finiteOr(options.expiresAt, Number.POSITIVE_INFINITY) - policy.idleTimeout,
    );
    const times = this.#timesOf(createdAt, lastAccessAt, lifetime);
    if (!(expiryOf(times) > now)) return null;
    const record = new SessionRecord(newSessionId(), {
      times,
      principal,
      lifetime,
      stored: new Map(),
      serializer: this.#options.serializer,
      isNew: true,
    });
    for (const [name, value] of Object.entries(attributes)) record.set(name, value);
    const changes = record.changes(this.#options);
    const acks: number[] = [];
    const doomed = await this.#insert(record, times, changes, principal, acks, {
      type: 'created',
      id: record.id,
      principal,
      at: now,
      reason: 'import',
    });
    await this.#endDoomed(doomed, acks);
    this.#settleReplication('create', [record.id], acks);
    return record;
  }

  /**
   * `GET key` for a key outside sess' layout, under the deadline, measured as `import`: how
   * lazy migration reads another library's session (package-internal).
   */
  [READ_FOREIGN](key: string): Promise<string | null> {
    return this.#trips.call('import', (signal) =>
      this.#port.send({ command: 'GET', keys: [key], args: [key] }, { signal }).then((reply) => {
        if (reply === null) return null;
        if (typeof reply === 'string') return reply;
        throw new SessError('REDIS_ERROR', 'import: the old session key holds no string');
      }),
    );
  }

  /** The live sessions of a principal, soonest-expiring first. Two round trips. */
  async findByPrincipal(principal: string): Promise<SessionRecord[]> {
    const now = this.#options.now();
    const ids = await this.#principalIds(principal, now);
    if (ids.length === 0) return [];
    const replies = await this.#trips.send(
      'findByPrincipal',
      ids.map((id) => hgetall(this.keys.session(id))),
    );
    const records: SessionRecord[] = [];
    ids.forEach((id, i) => {
      const reply = replies[i];
      if (reply instanceof Error) {
        if (this.#unreadable(reply)) return;
        throw toSessError(reply, 'findByPrincipal');
      }
      const record = this.#recordFrom(id, reply ?? null, now);
      if (record && record.principal === principal) records.push(record);
    });
    return records.sort((a, b) => a.expiresAt - b.expiresAt);
  }

  /**
   * Ends the session of `principal` that `handle` names (see `sessionHandle`; `listSessions`
   * gives them): one a user picked on a "your devices" page. Resolves to false for any handle
   * that names no live session of this principal, whether it names another principal's session,
   * an ended one, or nothing at all: the answer tells a caller nothing they did not know.
   * Three round trips: the principal's index, then the session is taken, then its index
   * entries go and its `revoked` event is written.
   */
  async revokeSession(principal: string, handle: string): Promise<boolean> {
    if (typeof principal !== 'string' || principal.length === 0) {
      throw new SessError('INVALID_VALUE', 'principal: expected a non-empty string');
    }
    if (typeof handle !== 'string') {
      throw new SessError('INVALID_VALUE', 'handle: expected a string from listSessions()');
    }
    if (!isSessionHandle(handle)) return false;
    const now = this.#options.now();
    const ids = await this.#principalIds(principal, now);
    const id = ids.find((candidate) => sessionHandle(candidate) === handle);
    if (id === undefined) return false;
    const acks: number[] = [];
    const ended = await this.#end('revoke', [id], 'revoked', { principal, acks });
    this.#settleReplication('revoke', [id], acks);
    return ended > 0;
  }

  /**
   * Ends every session of a principal, except `except` if given. Returns how many ended.
   * Sessions are taken before their index entries go, so a revocation cut short by a fault
   * leaves every live session of the principal listed, and this instance finishes it.
   */
  async revokePrincipal(principal: string, options?: { except?: string }): Promise<number> {
    const now = this.#options.now();
    const ids = (await this.#principalIds(principal, now)).filter((id) => id !== options?.except);
    const acks: number[] = [];
    const revoked = await this.#end('revoke', ids, 'revoked', { principal, acks });
    this.#settleReplication('revoke', ids, acks);
    return revoked;
  }

  /** The exact number of live sessions: one ZCOUNT per bucket, in one round trip. */
  async count(): Promise<number> {
    const now = this.#options.now();
    const replies = await this.#trips.batch(
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
    this.#trips.assertOpen();
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
   * Stops the cleaner (giving its lease back), closes this store's subscriptions, and tries the
   * pending repairs once more; what still fails is given up (`repairDropped`). The port itself
   * is closed by whoever created it.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#emitter.removeAllListeners();
    await Promise.all([
      this.cleaner?.stop(),
      this.#trips.repairs.size > 0 ? this.#trips.repairs.drain() : undefined,
      ...[...this.#subscriptions].map((subscription) => subscription.close()),
    ]);
    this.#trips.repairs.close();
  }

  // ---- internals -------------------------------------------------------------------------

  /** A loaded session's expiry moves at most once per `touchInterval`. */
  #touchDue(record: SessionRecord, now: number): boolean {
    return now - record.lastAccessAt >= this.#options.touchInterval;
  }

  #freshTimes(now: number, lifetime: string): SessionTimes {
    return this.#timesOf(now, now, lifetime);
  }

  /**
   * The timeouts come from the session's lifetime policy in the options, not from the hash:
   * they are policy, not facts. A policy the options no longer have reads as `default`.
   */
  #timesOf(createdAt: number, lastAccessAt: number, lifetime: string): SessionTimes {
    const policy = this.#policy(lifetime);
    return {
      createdAt,
      lastAccessAt,
      idleTimeout: policy.idleTimeout,
      absoluteExpiresAt: createdAt + policy.absoluteTimeout,
    };
  }

  #policy(lifetime: string): Readonly<LifetimePolicy> {
    const lifetimes = this.#options.lifetimes;
    return (lifetimes.get(lifetime) ?? lifetimes.get(DEFAULT_LIFETIME)) as LifetimePolicy;
  }

  /**
   * The policy a regenerate gives the new session: the one asked for; else a sign-in leaves
   * the anonymous policy for `default`, and keeps a policy the session had chosen.
   */
  #lifetimeAfter(record: SessionRecord, options: RegenerateOptions): string {
    if (options.lifetime !== undefined) {
      assertLifetime(this.#options.lifetimes, options.lifetime, 'lifetime', 'INVALID_VALUE');
      return options.lifetime;
    }
    const signIn = options.principal !== undefined;
    return signIn && record.lifetime === this.#options.anonymousLifetime
      ? DEFAULT_LIFETIME
      : record.lifetime;
  }

  /**
   * Writes a new session: its principal claim, the hash and its bucket entry (and WAIT), in one
   * round trip, with the `created` event of a creation (`announcement`, written where the
   * stream takes it, and told to local listeners once the session stands). Returns the
   * sessions the principal's limit chose to end. On any failure what reached Redis is removed
   * (now if Redis answers, else once it does): no client will hold it, and a `created` event
   * that may have been written is ended by a `destroyed` one with reason `failed`.
   */
  async #insert(
    record: SessionRecord,
    times: SessionTimes,
    changes: { set: Map<string, string>; removed: string[] },
    principal: string | undefined,
    acks: number[],
    announcement?: SessionEvent,
  ): Promise<string[]> {
    const now = times.lastAccessAt;
    const id = record.id;
    const expiresAt = expiryOf(times);
    const fields: string[] = [
      META.times,
      formatStoredTimes({ createdAt: times.createdAt, lastAccessAt: now, expiresAt }),
    ];
    if (principal !== undefined) fields.push(META.principal, principal);
    if (record.lifetime !== DEFAULT_LIFETIME) fields.push(META.lifetime, record.lifetime);
    const device = record.device;
    if (device?.userAgent !== undefined) fields.push(META.userAgent, device.userAgent);
    if (device?.address !== undefined) fields.push(META.address, device.address);
    for (const [name, text] of changes.set) fields.push(name, text);
    const calls: PortCall[] = [];
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
    const first = calls.length;
    calls.push(
      {
        script: createScript,
        keys: [this.keys.session(id)],
        args: [expiresAt + this.#options.grace, ...fields],
      },
      zadd(this.keys.bucketOf(id), expiresAt, id),
    );
    // After the creation's calls: on one connection Redis runs it only once they have run.
    const announce = announcement === undefined ? undefined : this.#trips.eventCall(announcement);
    const announceAt = calls.length;
    if (announce !== undefined) calls.push(announce);
    const waits = calls.length;
    calls.push(...this.#waitCalls([id]));
    let replies: Array<RedisReply | Error>;
    try {
      replies = await this.#trips.send('create', calls);
    } catch (error) {
      if (isSessError(error, 'UNAVAILABLE')) {
        this.#trips.repairs.add('create', error, () =>
          this.#discardNow(id, principal, 'repair', false, announce !== undefined),
        );
      }
      throw error;
    }
    collectAcks(replies.slice(waits), acks);
    const claim = principal === undefined ? [1] : replies[0];
    const created = replies[first];
    const failure = [claim, created, replies[first + 1]].find((reply) => reply instanceof Error);
    const rejected = Array.isArray(claim) && claim[0] === 0;
    const announced =
      announce === undefined ? undefined : (replies[announceAt] as RedisReply | Error);
    if (failure !== undefined || rejected || created !== 1) {
      // 0: another session has this id (never seen with 256 random bits): not ours to remove.
      if (created !== 0) {
        await this.#discard(
          id,
          principal,
          announced !== undefined && !(announced instanceof Error),
        );
      }
      if (rejected) {
        throw new SessError(
          'LIMIT_REACHED',
          `principal has ${this.#options.maxSessionsPerPrincipal} sessions already (maxSessionsPerPrincipal)`,
        );
      }
      if (failure !== undefined) throw toSessError(failure, 'create');
      throw new SessError('REDIS_ERROR', 'create: a session with this id exists already');
    }
    record.committed(changes, times);
    if (announcement !== undefined) {
      this.#trips.settleCarried('create', announcement, announce, announced);
    }
    return (claim as RedisReply[]).slice(1).map(String);
  }

  /**
   * Removes a session no client received (a failed create or regenerate): now if Redis
   * answers, else once it does. No event of its own (nobody saw the session), only the end of
   * a `created` event that went out with the creation (`announced`). Never rejects.
   */
  #discard(id: string, principal: string | undefined, announced = false): Promise<void> {
    return this.#discardNow(id, principal, 'create', false, announced).catch((error: unknown) =>
      this.#trips.repairs.add('create', error, () =>
        this.#discardNow(id, principal, 'repair', false, announced),
      ),
    );
  }

  /**
   * `announced`: the creation's `created` event went out (or may have): a `destroyed` event
   * with reason `failed` ends it in the stream, so no reader waits on a session that never was.
   */
  async #discardNow(
    id: string,
    principal: string | undefined,
    what: StoreOperation,
    open: boolean,
    announced = false,
  ): Promise<void> {
    const key = this.keys.session(id);
    const calls: PortCall[] = [
      { script: takeScript, keys: [key], args: [] },
      ...this.#unindex(id, principal),
    ];
    if (announced) {
      const ending = this.#trips.eventCall({
        type: 'destroyed',
        id,
        principal,
        at: this.#options.now(),
        reason: 'failed',
      });
      if (ending !== undefined) calls.push(ending);
    }
    const replies = await this.#trips.send(what, calls, open);
    const failed = replies.find((reply) => reply instanceof Error);
    if (failed !== undefined) throw failed;
  }

  /** The move script's call: the old id becomes a mark pointing at `newId`. */
  #moveCall(oldId: string, newId: string, now: number): ScriptCall {
    return {
      script: moveScript,
      keys: [this.keys.session(oldId)],
      args: [now, newId, this.#markTtl],
    };
  }

  /**
   * Settles a move whose reply never came (a repair): asks again, and either finishes it (the
   * old session's index entries and the `regenerated` event) or, when the old session had
   * ended before the move, ends what the client was handed instead (a plain regenerate), or
   * strips it of what it carried (a sign-in).
   */
  async #settleMove(
    old: SessionRecord,
    next: SessionRecord,
    signIn: boolean,
    now: number,
  ): Promise<void> {
    const [moved] = await this.#trips.send('repair', [this.#moveCall(old.id, next.id, now)], false);
    if (moved instanceof Error || moved === undefined) throw moved;
    const state = moveState(moved, next.id);
    const principal = next.principal;
    const reason = signIn ? 'sign-in' : undefined;
    if (state === 'moved') {
      const event = movedEvent(old, next, now, reason);
      await this.#trips.finish('repair', this.#unindex(old.id, old.principal), [event], false);
      return;
    }
    if (!signIn) {
      await this.#endOnce('repair', [next.id], 'destroyed', { reason: 'gone', principal }, false);
      return;
    }
    const names = next.names();
    const [stripped] = await this.#trips.send(
      'repair',
      [saveCall(this.keys.session(next.id), now, 0, [], names)],
      false,
    );
    if (stripped instanceof Error) throw stripped;
    if (stripped === 1) {
      const event: SessionEvent = { type: 'created', id: next.id, principal, at: now, reason };
      await this.#trips.finish('repair', [], [event], false);
    }
  }

  /**
   * A sign-in whose old session had ended: the new session (handed out by nobody yet) loses
   * every attribute it carried. Null when it is gone itself (a concurrent revocation).
   */
  async #strip(
    next: SessionRecord,
    carried: Iterable<string>,
    now: number,
  ): Promise<SessionRecord | null> {
    const names = [...carried];
    const record = new SessionRecord(next.id, {
      times: next.times,
      principal: next.principal,
      device: next.device,
      lifetime: next.lifetime,
      stored: new Map(),
      serializer: this.#options.serializer,
      isNew: false,
    });
    if (names.length === 0) return record;
    let stripped: RedisReply | Error | undefined;
    try {
      [stripped] = await this.#trips.send('regenerate', [
        saveCall(this.keys.session(next.id), now, 0, [], names),
      ]);
    } catch (error) {
      await this.#discard(next.id, next.principal);
      throw error;
    }
    if (stripped instanceof Error) {
      await this.#discard(next.id, next.principal);
      throw toSessError(stripped, 'regenerate');
    }
    return stripped === 1 ? record : null;
  }

  async #principalIds(principal: string, now: number): Promise<string[]> {
    const index = this.keys.principal(principal);
    // Scores are expiries, or minus the expiry of a session the limit chose to end (see the
    // claim script): both expired ranges go, and the ends still to be done stay listed.
    const [, ids] = await this.#trips.batch('findByPrincipal', [
      { command: 'ZREMRANGEBYSCORE', keys: [index], args: [index, -now, now] },
      {
        command: 'ZRANGE',
        keys: [index],
        args: [index, '-inf', '+inf', 'BYSCORE', 'LIMIT', 0, 10_000],
      },
    ]);
    return Array.isArray(ids) ? ids.map(String) : [];
  }

  /** Ends the sessions a principal's limit chose (revoked, reason `limit`). */
  async #endDoomed(ids: readonly string[], acks: number[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.#end('revoke', ids, 'revoked', { reason: 'limit', acks });
    } catch {
      // Still listed (doomed) in the principal index: the next sign-in or revocation of the
      // principal ends them, and this instance retries meanwhile (see `#end`).
    }
  }

  /**
   * Ends sessions: takes each (read and delete in one step), then removes their index entries
   * and writes their events. Returns how many were there. When the takes get no answer, this
   * instance takes them again once Redis answers and writes every event then (a session whose
   * first take went through but whose reply was lost still gets its event).
   */
  async #end(
    what: StoreOperation,
    ids: readonly string[],
    type: 'destroyed' | 'revoked',
    facts: { reason?: string | undefined; principal?: string | undefined; acks?: number[] },
  ): Promise<number> {
    if (ids.length === 0) return 0;
    try {
      return await this.#endOnce(what, ids, type, facts);
    } catch (error) {
      if (isSessError(error, 'UNAVAILABLE')) {
        const again = { reason: facts.reason, principal: facts.principal, always: true };
        this.#trips.repairs.add(what, error, () =>
          this.#endOnce('repair', ids, type, again, false).then(),
        );
      }
      throw error;
    }
  }

  async #endOnce(
    what: StoreOperation,
    ids: readonly string[],
    type: 'destroyed' | 'revoked',
    facts: {
      reason?: string | undefined;
      principal?: string | undefined;
      acks?: number[];
      /** Write an event even for an id whose take found nothing (a retry). */
      always?: boolean;
    },
    open = true,
  ): Promise<number> {
    const waits = facts.acks ? this.#waitCalls(ids) : [];
    const takes = ids.map((id) => ({
      script: takeScript,
      keys: [this.keys.session(id)],
      args: [],
    }));
    const replies = await this.#trips.send(what, [...takes, ...waits], open);
    if (facts.acks) collectAcks(replies.slice(ids.length), facts.acks);
    const now = this.#options.now();
    const cleanup: PortCall[] = [];
    const events: SessionEvent[] = [];
    ids.forEach((id, i) => {
      const reply = replies[i];
      const fields = reply instanceof Error ? new Map<string, string>() : toFieldMap(reply);
      if (reply instanceof Error) this.#unreadable(reply);
      const principal = fields.get(META.principal) ?? facts.principal;
      cleanup.push(...this.#unindex(id, principal));
      if (fields.size > 0 || facts.always) {
        events.push({ type, id, principal, at: now, reason: facts.reason });
      }
    });
    await this.#trips.finish(what, cleanup, events, open);
    return events.length;
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
    if (!wait || ids.length === 0) return [];
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

  /**
   * The `HGETALL` of session `id`: the same frozen call for the same id while it is among the
   * recent ones. A read comes on every request, and the same key string each time spares it
   * the concatenation, and a caching port the hashing of a new string for its lookups (V8
   * keeps a string's hash with it).
   */
  #readOf(id: string): CommandCall {
    let read = this.#reads.get(id);
    if (read === undefined) {
      const key = Object.freeze([this.keys.session(id)]);
      read = Object.freeze({ command: 'HGETALL', keys: key, args: key });
      this.#reads.set(id, read);
    }
    return read;
  }

  #recordFrom(id: string, reply: RedisReply | Error, now: number): SessionRecord | null {
    if (!Array.isArray(reply)) return null;
    const hash = this.#decodedOf(reply);
    const { storedTimes, times } = hash;
    if (storedTimes === undefined || times === undefined || !(storedTimes.expiresAt > now)) {
      return null;
    }
    // A timeout shortened since the last write ends the session now, not at the old expiry.
    if (!(expiryOf(times) > now)) return null;
    return new SessionRecord(id, {
      times,
      principal: hash.principal,
      device: hash.device,
      lifetime: hash.lifetime,
      stored: hash.stored,
      serializer: this.#options.serializer,
      isNew: false,
    });
  }

  /**
   * The session hash in `reply`. A frozen reply is one a caching port may hand out again for
   * the same read (`@sess/node-redis`' cache does, until the key changes): it is decoded once
   * and remembered for as long as the port holds it. Nothing of it is per request: the times
   * are checked against the clock by the caller, and a record never changes its stored pairs.
   */
  #decodedOf(reply: readonly RedisReply[]): DecodedHash {
    // A reply never seen is simply not there: no need to ask first whether it is frozen.
    const known = this.#decoded.get(reply);
    if (known !== undefined) return known;
    // One pass: the attributes into the record's pairs, the meta fields (`#` names) read aside.
    const stored: string[] = [];
    let storedTimes: StoredTimes | undefined;
    let principal: string | undefined;
    let lifetime = DEFAULT_LIFETIME;
    let userAgent: string | undefined;
    let address: string | undefined;
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const name = text(reply[i]);
      const value = text(reply[i + 1]);
      if (!name.startsWith('#')) stored.push(name, value);
      else if (name === META.times) storedTimes = parseStoredTimes(value);
      else if (name === META.principal) principal = value;
      else if (name === META.lifetime && this.#options.lifetimes.has(value)) lifetime = value;
      else if (name === META.userAgent) userAgent = value;
      else if (name === META.address) address = value;
    }
    const device =
      userAgent === undefined && address === undefined ? undefined : { userAgent, address };
    const times =
      storedTimes === undefined
        ? undefined
        : this.#timesOf(storedTimes.createdAt, storedTimes.lastAccessAt, lifetime);
    if (!Object.isFrozen(reply)) {
      return { stored, storedTimes, times, principal, lifetime, device };
    }
    // Shared by every record read from this reply from now on.
    if (times !== undefined) Object.freeze(times);
    if (device !== undefined) Object.freeze(device);
    const shared = sharePairs(stored);
    const hash: DecodedHash = { stored: shared, storedTimes, times, principal, lifetime, device };
    this.#decoded.set(reply, hash);
    return hash;
  }

  /**
   * Whether `error` says a session's key holds something else (`WRONGTYPE`): then it is
   * reported to the observer and the caller reads it as no session.
   */
  #unreadable(error: unknown): boolean {
    if (!isWrongType(error)) return false;
    const reported = toSessError(error, 'load');
    this.#trips.tell((observer) => observer.sessionUnreadable?.(reported));
    return true;
  }

  #emit(event: SessionEvent): void {
    const type = event.type;
    if (type === 'expired' || this.#closed) return;
    // A listener that throws must not turn a finished operation into a failed one.
    try {
      this.#emitter.emit(type, event);
    } catch {}
  }
}

/** The `regenerated` event of a move from `old` to `next`. */
function movedEvent(
  old: SessionRecord,
  next: SessionRecord,
  at: number,
  reason: string | undefined,
): SessionEvent {
  return { type: 'regenerated', id: old.id, newId: next.id, principal: next.principal, at, reason };
}

function finiteOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * A session store on the Redis behind `options.port`. Every option is checked here: an unknown
 * or out-of-range one throws a `SessError` with `code: 'INVALID_OPTION'` naming it.
 */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  return new SessionStore(options);
}
