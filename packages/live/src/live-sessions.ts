import { SessError, type SessionEvent, type Subscription } from '@sess/core';
import type { LiveEndReason } from './live-end-reason.js';
import {
  type LiveErrorContext,
  type LiveSessionsOptions,
  type ResolvedLiveSessionsOptions,
  resolveLiveSessionsOptions,
} from './live-sessions-options.js';
import { principalChanged, RecentSessionChanges } from './recent-session-changes.js';
import { keepAlive } from './session-keep-alive.js';

/** A session as the live connections of this process follow it. */
export interface LiveSession {
  /** Its id now: a regenerate or a sign-in moves it, and its connections follow. */
  readonly id: string;
  /** Who is signed in, if anyone. */
  readonly principal: string | undefined;
  /** Its connections registered in this process, those still closing included. */
  readonly connections: number;
  /** Why it ended, once it has; its connections are closed then. */
  readonly ended: LiveEndReason | undefined;
}

/** What `register` needs of a connection. */
export interface LiveConnectionOptions {
  /** The session of the request that opened the connection: a `Session`, or its id and principal. */
  readonly session: { readonly id: string | undefined; readonly principal: string | undefined };
  /** Closes the connection because its session ended. Called at most once. */
  readonly end: (reason: LiveEndReason) => void;
}

/** A registered connection. */
export interface LiveRegistration {
  /** Its session (after any move). */
  readonly session: LiveSession;
  /** Activity on the connection: keeps the session alive, at most one touch per `touchInterval`. */
  activity(): void;
  /** The connection closed: forgets it. Idempotent. */
  unregister(): void;
}

/** Counters of one `LiveSessions`. */
export interface LiveStats {
  /** Sessions with connections in this process. */
  readonly sessions: number;
  /** Connections registered and not yet unregistered. */
  readonly connections: number;
  /** Connections closed because their session ended. */
  readonly ended: number;
  /** Connections that followed their session to a new id. */
  readonly moved: number;
  /** Keep-alives that moved a session's expiry. */
  readonly touches: number;
  /** Failures of any phase (see `onError`). */
  readonly errors: number;
}

/** How long a move or an end is remembered for connections registered after it (ms). */
const REMEMBER_FOR = 60_000;
/** The most moves and ends remembered. */
const REMEMBER_AT_MOST = 100_000;

const FOLLOWED_EVENTS = ['destroyed', 'revoked', 'expired', 'regenerated'] as const;

/** Package-internal: subscribes to the event stream (see `createLiveSessions`). */
export const START = Symbol('sess.live.start');

/** Package-internal: tells `onError` about a failure of an upgrade helper. */
export const REPORT = Symbol('sess.live.report');

/**
 * The live connections of this process by session, following the sessions of every instance
 * through a broadcast subscription to the store's event stream: when a session ends (sign-out,
 * revocation, expiry) its connections here are closed; when it moves to a new id (regenerate,
 * sign-in) they follow it. One per process; made by `createLiveSessions`.
 */
export class LiveSessions {
  readonly #options: ResolvedLiveSessionsOptions;
  readonly #entries = new Map<string, SessionEntry>();
  readonly #byConnection = new WeakMap<object, Registration>();
  readonly #recent = new RecentSessionChanges(REMEMBER_FOR, REMEMBER_AT_MOST);
  readonly #stats = { connections: 0, ended: 0, moved: 0, touches: 0, errors: 0 };
  /** What registrations call back into. */
  readonly #owner: RegistrationOwner = {
    activity: (entry) => this.#activity(entry),
    unregister: (registration) => this.#unregister(registration),
  };
  #subscription: Subscription | undefined;
  #closed = false;

  constructor(options: LiveSessionsOptions) {
    this.#options = resolveLiveSessionsOptions(options);
  }

  /** The WebSocket close code of a connection whose session ended (`closeCode`). */
  get closeCode(): number {
    return this.#options.closeCode;
  }

  /** What this process tracks and has done (see `LiveStats`). */
  get stats(): LiveStats {
    return { sessions: this.#entries.size, ...this.#stats };
  }

  /**
   * Registers a connection opened with `session`; `connection` (the socket) is the key of
   * `sessionOf`. If the session moved or ended after the request loaded it, the registration
   * follows the move, or `end` is called (on a later turn). The helpers of `@sess/live/ws`,
   * `/fastify` and `/socket.io` call this; call it yourself for another library.
   */
  register(connection: object, options: LiveConnectionOptions): LiveRegistration {
    if (this.#closed) throw new SessError('CLOSED', 'register: these live sessions were closed');
    if (connection === null || typeof connection !== 'object') {
      throw new SessError('INVALID_VALUE', 'register: expected the connection object as the key');
    }
    if (this.#byConnection.has(connection)) {
      throw new SessError('INVALID_VALUE', 'register: this connection is registered already');
    }
    const { session, end } = options;
    if (typeof session?.id !== 'string') {
      throw new SessError(
        'INVALID_VALUE',
        'register: the connection has no session (an anonymous request without one), so there is nothing to follow',
      );
    }
    if (typeof end !== 'function') {
      throw new SessError('INVALID_VALUE', 'register: `end` must be a function (reason) => void');
    }
    const where = this.#recent.follow(session.id, session.principal);
    let entry: SessionEntry;
    if (where.ended !== undefined) {
      // Ended before this registration: a detached entry, and the connection is closed at once.
      entry = new SessionEntry(where.id, where.principal);
      entry.ended = where.ended;
    } else {
      entry = this.#entries.get(where.id) ?? this.#newEntry(where.id, where.principal);
    }
    const registration = new Registration(this.#owner, connection, entry, end);
    entry.registrations.add(registration);
    this.#byConnection.set(connection, registration);
    this.#stats.connections++;
    const ended = entry.ended;
    if (ended !== undefined) queueMicrotask(() => this.#endOne(registration, ended));
    return registration;
  }

  /** The session a registered connection follows; undefined for one not registered. */
  sessionOf(connection: object): LiveSession | undefined {
    return this.#byConnection.get(connection)?.entry;
  }

  /**
   * Stops following the event stream and keeping sessions alive. Connections stay open (the
   * server's own shutdown closes them). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#subscription?.close();
  }

  /** Subscribes to the event stream: resolves once every event written from now on is seen. */
  async [START](): Promise<void> {
    this.#subscription = await this.#options.store.subscribe({
      mode: 'broadcast',
      types: FOLLOWED_EVENTS,
      handler: (event) => this.#follow(event),
      onError: (error, context) =>
        this.#report(error, { phase: 'events', sessionId: context.event?.id }),
    });
  }

  [REPORT](error: unknown, context: LiveErrorContext): void {
    this.#report(error, context);
  }

  // ---- for registrations ---------------------------------------------------------------------

  /** Keeps `entry`'s session alive: at most one keep-alive per `touchInterval` at a time. */
  #activity(entry: SessionEntry): void {
    if (!this.#options.touch || this.#closed || entry.ended !== undefined || entry.touching) return;
    const now = performance.now();
    if (now - entry.checkedAt < this.#options.store.options.touchInterval) return;
    entry.checkedAt = now;
    entry.touching = true;
    const id = entry.id;
    keepAlive(this.#options.store, id).then(
      (outcome) => {
        entry.touching = false;
        // 'gone': its event is on the way (or was the reason the entry moved meanwhile).
        if (outcome === 'touched') this.#stats.touches++;
      },
      (error: unknown) => {
        // Tried again on the first activity a `touchInterval` later: a Redis that does not
        // answer is not asked once per message meanwhile.
        entry.touching = false;
        this.#report(error, { phase: 'touch', sessionId: id });
      },
    );
  }

  #unregister(registration: Registration): void {
    if (this.#byConnection.get(registration.connection) !== registration) return;
    this.#byConnection.delete(registration.connection);
    this.#stats.connections--;
    const entry = registration.entry;
    entry.registrations.delete(registration);
    if (entry.registrations.size === 0 && this.#entries.get(entry.id) === entry) {
      this.#entries.delete(entry.id);
    }
  }

  // ---- events --------------------------------------------------------------------------------

  #follow(event: SessionEvent): void {
    const now = performance.now();
    if (event.type === 'regenerated') {
      if (event.newId !== undefined) this.#move(event.id, event.newId, event.principal, now);
      return;
    }
    if (event.type === 'destroyed' || event.type === 'revoked' || event.type === 'expired') {
      this.#recent.remember(event.id, { ended: event.type }, now);
      const entry = this.#entries.get(event.id);
      if (entry === undefined) return;
      this.#entries.delete(event.id);
      this.#endAll(entry, event.type);
    }
  }

  #move(oldId: string, newId: string, principal: string | undefined, now: number): void {
    this.#recent.remember(oldId, { movedTo: newId, principal }, now);
    const entry = this.#entries.get(oldId);
    if (entry === undefined) return;
    this.#entries.delete(oldId);
    if (principalChanged(entry.principal, principal)) {
      this.#endAll(entry, 'principal-changed');
      return;
    }
    this.#stats.moved += entry.registrations.size;
    const there = this.#entries.get(newId);
    if (there === undefined) {
      entry.id = newId;
      entry.principal = principal ?? entry.principal;
      this.#entries.set(newId, entry);
      return;
    }
    // Connections registered under the new id already (opened after the move): one entry.
    for (const registration of entry.registrations) {
      registration.entry = there;
      there.registrations.add(registration);
    }
    entry.registrations.clear();
  }

  #endAll(entry: SessionEntry, reason: LiveEndReason): void {
    entry.ended = reason;
    // A copy: closing a connection may unregister it (and others of its client) at once.
    for (const registration of [...entry.registrations]) this.#endOne(registration, reason);
  }

  #endOne(registration: Registration, reason: LiveEndReason): void {
    if (
      registration.endCalled ||
      this.#byConnection.get(registration.connection) !== registration
    ) {
      return;
    }
    registration.endCalled = true;
    this.#stats.ended++;
    try {
      registration.end(reason);
    } catch (error) {
      this.#report(error, { phase: 'close', sessionId: registration.entry.id });
    }
  }

  #newEntry(id: string, principal: string | undefined): SessionEntry {
    const entry = new SessionEntry(id, principal);
    this.#entries.set(id, entry);
    return entry;
  }

  #report(error: unknown, context: LiveErrorContext): void {
    this.#stats.errors++;
    try {
      this.#options.onError(error, context);
    } catch {}
  }
}

/** A session with connections in this process. */
class SessionEntry implements LiveSession {
  id: string;
  principal: string | undefined;
  ended: LiveEndReason | undefined;
  readonly registrations = new Set<Registration>();
  /** When a keep-alive last ran (monotonic ms): the first activity always checks. */
  checkedAt = Number.NEGATIVE_INFINITY;
  touching = false;

  constructor(id: string, principal: string | undefined) {
    this.id = id;
    this.principal = principal;
  }

  get connections(): number {
    return this.registrations.size;
  }
}

interface RegistrationOwner {
  activity(entry: SessionEntry): void;
  unregister(registration: Registration): void;
}

class Registration implements LiveRegistration {
  readonly connection: object;
  readonly end: (reason: LiveEndReason) => void;
  entry: SessionEntry;
  endCalled = false;
  readonly #owner: RegistrationOwner;

  constructor(
    owner: RegistrationOwner,
    connection: object,
    entry: SessionEntry,
    end: (reason: LiveEndReason) => void,
  ) {
    this.#owner = owner;
    this.connection = connection;
    this.entry = entry;
    this.end = end;
  }

  get session(): LiveSession {
    return this.entry;
  }

  activity(): void {
    this.#owner.activity(this.entry);
  }

  unregister(): void {
    this.#owner.unregister(this);
  }
}

/**
 * The live connections of this process, following their sessions on every instance: one per
 * process, made once the store is. Resolves when its subscription to the event stream is
 * running; connections registered from then on are closed when their session ends anywhere.
 */
export async function createLiveSessions(options: LiveSessionsOptions): Promise<LiveSessions> {
  const live = new LiveSessions(options);
  await live[START]();
  return live;
}
