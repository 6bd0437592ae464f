import type { DeviceCapture } from './device-capture.js';
import { isSessError, SessError } from './errors.js';
import { toHttpError } from './http-error.js';
import type { ResolvedHttpOptions } from './http-options.js';
import {
  createSessionView,
  RESERVED_SESSION_NAMES,
  type RegenerateSessionOptions,
  type Session,
  type SessionBackend,
  type SessionSummary,
  type SignInOptions,
} from './session.js';
import type { IncomingCookie, SessionCookie } from './session-cookie.js';
import { sessionHandle } from './session-handle.js';
import { assertAttributeName, type SessionRecord } from './session-record.js';
import {
  REGENERATE,
  type RegenerateOptions,
  type RegenerateOutcome,
  type SessionStore,
} from './session-store.js';
import type { SessionToken } from './session-token.js';
import type { HttpRequestFacts } from './trust-proxy.js';

/** The headers a response must carry for the session. */
export interface CommitOutcome {
  /**
   * Set-Cookie values to append: none, the session cookie, or the cookie that clears it.
   * Always none for a request that came with a session token.
   */
  readonly setCookie: string[];
  /**
   * For a request that came with a session token (the `token` option), when the client must
   * learn something: the header to set and its value, the new token, or `''` after a sign-out
   * (the client drops its token).
   */
  readonly token?: { readonly header: string; readonly value: string };
  /** `'no-store'` when a cookie or token is set or cleared and `cacheControl` is on. */
  readonly cacheControl?: 'no-store';
}

const NOTHING: CommitOutcome = Object.freeze({ setCookie: [] });

/** The queue of a scope nothing was asked of yet, shared: most requests never queue anything. */
const IDLE: Promise<unknown> = Promise.resolve();

/** How a request's scope was opened. */
export interface ScopeStart {
  readonly options: ResolvedHttpOptions;
  readonly cookie: SessionCookie;
  readonly incoming: IncomingCookie;
  /** Set when the request came with a session token: it is answered by token, not cookie. */
  readonly token: SessionToken | undefined;
  /** Set when sign-ins record device facts (the `devices` option). */
  readonly devices: DeviceCapture | undefined;
  /** The request, for what a sign-in records with `devices`. */
  readonly request: HttpRequestFacts;
  readonly secure: boolean;
  readonly record: SessionRecord | null;
  /** The load failed (Redis unavailable) and the policy is `'anonymous'`. */
  readonly degraded: boolean;
}

/**
 * One request's session: the record loaded from the cookie (or none), what the handler did to
 * it, and at the end the commit and the cookie to send. Created by `HttpSessions.open`.
 */
export class SessionScope implements SessionBackend {
  readonly session: Session;
  readonly #options: ResolvedHttpOptions;
  readonly #cookie: SessionCookie;
  readonly #incoming: IncomingCookie;
  readonly #token: SessionToken | undefined;
  readonly #devices: DeviceCapture | undefined;
  readonly #request: HttpRequestFacts;
  readonly #secure: boolean;
  #record: SessionRecord | null;
  /** The record did not exist in Redis when the request began. */
  #createdHere: boolean;
  /** The id changed (sign-in, regenerate): the cookie must be sent again. */
  #rotated = false;
  /** The lifetime policy the session had when loaded: a change sends the cookie again. */
  readonly #loadedLifetime: string | undefined;
  /** A session was ended in this request: the cookie is cleared unless a new one replaces it. */
  #ended = false;
  /** Redis was found unavailable: the commit writes nothing and sends no cookie. */
  #degraded: boolean;
  /** A sign-in, regenerate, sign-out or revocation succeeded: the browser must learn of it. */
  #acted = false;
  #committed = false;
  /** Session operations run one after another; the commit waits for those still running. */
  #queue: Promise<unknown> = IDLE;

  constructor(start: ScopeStart) {
    this.#options = start.options;
    this.#cookie = start.cookie;
    this.#incoming = start.incoming;
    this.#token = start.token;
    this.#devices = start.devices;
    this.#request = start.request;
    this.#secure = start.secure;
    this.#record = start.record;
    this.#createdHere = start.record === null;
    this.#loadedLifetime = start.record?.lifetime;
    this.#degraded = start.degraded;
    this.session = createSessionView(this);
  }

  /** Redis did not answer when the session was loaded, and the request goes on anonymous. */
  get degraded(): boolean {
    return this.#degraded;
  }

  // ---- SessionBackend: what the Session view reads and writes ------------------------------

  get id(): string | undefined {
    return this.#record?.id;
  }
  get isNew(): boolean {
    return this.#record === null || this.#createdHere;
  }
  get principal(): string | undefined {
    return this.#record?.principal;
  }
  get expiresAt(): number | undefined {
    return this.#record?.expiresAt;
  }

  read(name: string): unknown {
    const record = this.#record;
    if (record === null) return undefined;
    try {
      return record.get(name);
    } catch (error) {
      // A stored value the serializer refuses (`__proto__` keys planted in Redis) reads as absent.
      if (isSessError(error, 'INVALID_VALUE')) return undefined;
      throw error;
    }
  }

  write(name: string, value: unknown): void {
    if (value === undefined) {
      this.remove(name);
      return;
    }
    this.#writable().set(name, value);
  }

  remove(name: string): void {
    this.#record?.delete(name);
  }

  has(name: string): boolean {
    return this.#record?.has(name) ?? false;
  }

  names(): string[] {
    return this.#record?.names() ?? [];
  }

  signIn(principal: string, options?: SignInOptions): Promise<void> {
    return this.#run(async () => {
      const device = this.#devices?.capture(this.#request);
      await this.#rotate({
        ...options,
        principal,
        keep: options?.keep ?? 'all',
        ...(device === undefined ? {} : { device }),
      });
    });
  }

  regenerate(options?: RegenerateSessionOptions): Promise<void> {
    return this.#run(async () => {
      if (this.#record === null) return;
      await this.#rotate({ ...options, keep: options?.keep ?? 'all' });
    });
  }

  get lifetime(): string {
    return this.#record?.lifetime ?? this.#options.store.options.anonymousLifetime;
  }

  setLifetime(lifetime: string): void {
    this.#options.store.setLifetime(this.#writable(), lifetime);
  }

  signOut(): Promise<void> {
    return this.#run(async () => {
      const store = this.#options.store;
      const record = this.#record;
      // The cookie is cleared even if Redis fails: the user asked to leave, and the store ends
      // the session itself once Redis answers if the failure left that in doubt.
      try {
        if (record !== null && !record.isNew) await store.destroy(record, 'sign-out');
        else if (record === null && this.#degraded && this.#incoming.id !== undefined) {
          // The load failed, so the session was never seen: end it by the cookie's id.
          await store.destroy(this.#incoming.id, 'sign-out');
        }
      } finally {
        this.#endCurrent();
      }
    });
  }

  destroy(): Promise<void> {
    return this.signOut();
  }

  revokeEverywhere(options?: { keepCurrent?: boolean }): Promise<number> {
    return this.#run(async () => {
      const record = this.#record;
      const principal = record?.principal;
      if (record === null || principal === undefined) return 0;
      const keep = options?.keepCurrent === true && !record.isNew;
      const ended = await this.#options.store.revokePrincipal(
        principal,
        keep ? { except: record.id } : undefined,
      );
      if (!keep) this.#endCurrent();
      return ended;
    });
  }

  listSessions(): Promise<SessionSummary[]> {
    return this.#run(async () => {
      const principal = this.#record?.principal;
      if (principal === undefined) return [];
      const records = await this.#options.store.findByPrincipal(principal);
      return records.map((record) => summaryOf(record, record.id === this.#record?.id));
    });
  }

  revokeSession(handle: string): Promise<boolean> {
    return this.#run(async () => {
      if (typeof handle !== 'string') {
        throw new SessError(
          'INVALID_VALUE',
          'revokeSession: expected a handle from listSessions()',
        );
      }
      const record = this.#record;
      const principal = record?.principal;
      if (record === null || principal === undefined || record.isNew) return false;
      const ended = await this.#options.store.revokeSession(principal, handle);
      if (ended && handle === sessionHandle(record.id)) this.#endCurrent();
      return ended;
    });
  }

  take(name: string): Promise<unknown> {
    return this.#run(async () => {
      assertAttributeName(name);
      if (RESERVED_SESSION_NAMES.has(name)) {
        throw new SessError('INVALID_NAME', `take: "${name}" is reserved by the session API`);
      }
      const record = this.#record;
      if (record === null) return undefined;
      try {
        return await this.#options.store.take(record, name);
      } catch (error) {
        // As when reading: a stored value the serializer refuses is no value (it is gone now).
        if (isSessError(error, 'INVALID_VALUE')) return undefined;
        throw error;
      }
    });
  }

  // ---- the end of the request ---------------------------------------------------------------

  /**
   * Writes what changed (nothing changed and no touch due: no Redis call) and says which
   * cookie to send. Runs once; later calls return no headers. Throws a 503 `SessError` when
   * Redis is unavailable and the policy is `'fail'`.
   */
  async commit(): Promise<CommitOutcome> {
    if (this.#committed) return NOTHING;
    this.#committed = true;
    if (this.#queue !== IDLE) await this.#queue.catch(() => {});
    // Redis failed in this request and nothing succeeded since: there is nothing to tell the
    // browser, and writing now would only wait for a second deadline.
    if (this.#degraded && !this.#acted) return NOTHING;
    const record = this.#record;
    if (record === null) return this.#clearIfEnded();
    const store = this.#options.store;
    const expiresBefore = record.isNew ? undefined : record.expiresAt;
    let result: Awaited<ReturnType<typeof store.commit>>;
    try {
      result = await store.commit(record);
    } catch (error) {
      if (isSessError(error, 'UNAVAILABLE') && this.#options.onUnavailable === 'anonymous') {
        return NOTHING;
      }
      throw toHttpError(error);
    }
    if (result === 'gone') {
      // Ended by someone else meanwhile (sign-out elsewhere, revocation, expiry): leave the cookie
      // alone, a newer one may have been set by a concurrent request.
      this.#record = null;
      return NOTHING;
    }
    return this.#cookieAfter(record, result === 'created', expiresBefore);
  }

  /**
   * The commit's outcome at once, when it needs no Redis call: the request did nothing to its
   * session, or only read it with no touch due (most requests). Undefined when `commit()` has
   * work to do. Lets an adapter send the response without waiting a turn of the event loop.
   */
  commitAtOnce(): CommitOutcome | undefined {
    if (this.#committed) return NOTHING;
    // An operation ran (sign-in, sign-out...): `commit()` waits for it and decides.
    if (this.#queue !== IDLE) return undefined;
    // Degraded: `commit()` would write nothing either (see there).
    if (this.#degraded) {
      this.#committed = true;
      return NOTHING;
    }
    const record = this.#record;
    if (record !== null) {
      try {
        if (this.#options.store.needsCommit(record)) return undefined;
      } catch {
        return undefined; // `commit()` reports it
      }
    }
    this.#committed = true;
    return record === null
      ? this.#clearIfEnded()
      : this.#cookieAfter(record, false, record.expiresAt);
  }

  // ---- internals ----------------------------------------------------------------------------

  /** The cookie to send once `record` is committed: only when the browser must learn something. */
  #cookieAfter(
    record: SessionRecord,
    created: boolean,
    expiresBefore: number | undefined,
  ): CommitOutcome {
    if (record.isNew) return this.#clearIfEnded(); // nothing was written, nothing created
    const token = this.#token;
    if (token !== undefined) {
      // A token carries no expiry: only a new id, or a new signature, is news to the client.
      if (!created && !this.#rotated && !this.#incoming.stale) return NOTHING;
      return this.#tokenOutcome(token, this.#cookie.valueOf(record.id));
    }
    const persistent = this.#persistent(record);
    const send =
      created ||
      this.#rotated ||
      this.#incoming.stale ||
      record.lifetime !== this.#loadedLifetime ||
      (persistent && record.expiresAt !== expiresBefore);
    if (!send) return NOTHING;
    const now = this.#options.store.options.now();
    return this.#outcome(
      this.#cookie.serialize(record.id, this.#secure, record.expiresAt, now, persistent),
    );
  }

  /** Whether the session's cookie outlives the browser: its policy says, else the cookie option. */
  #persistent(record: SessionRecord): boolean {
    const cookie = this.#options.store.options.lifetimes.get(record.lifetime)?.cookie;
    return cookie === undefined ? this.#cookie.persistent : cookie === 'persistent';
  }

  #clearIfEnded(): CommitOutcome {
    if (!this.#ended || !this.#incoming.present) return NOTHING;
    const token = this.#token;
    return token === undefined
      ? this.#outcome(this.#cookie.clear(this.#secure))
      : this.#tokenOutcome(token, '');
  }

  /** The token header to send (`''`: drop it); never a Set-Cookie on a token request. */
  #tokenOutcome(token: SessionToken, value: string): CommitOutcome {
    const header = { header: token.header, value };
    return this.#options.cacheControl
      ? { setCookie: [], token: header, cacheControl: 'no-store' }
      : { setCookie: [], token: header };
  }

  #outcome(setCookie: string): CommitOutcome {
    return this.#options.cacheControl
      ? { setCookie: [setCookie], cacheControl: 'no-store' }
      : { setCookie: [setCookie] };
  }

  /** The record to write to, created on the first write of an anonymous request. */
  #writable(): SessionRecord {
    if (this.#record === null) {
      this.#record = this.#options.store.new();
      this.#createdHere = true;
    }
    return this.#record;
  }

  async #rotate(options: RegenerateOptions): Promise<void> {
    const record = this.#record ?? this.#options.store.new();
    const wasStored = !record.isNew;
    const outcome = await regenerateIn(this.#options.store, record, options);
    if (outcome.record === undefined) {
      // The session ended since this request loaded it: nothing of it goes on. If another
      // request moved it instead, that request's new cookie stands: this one leaves it alone.
      if (outcome.gone === 'moved') {
        this.#record = null;
        this.#createdHere = true;
      } else {
        this.#endCurrent();
      }
      throw new SessError(
        'SESSION_GONE',
        'regenerate: the session ended (or was moved by another request) before it could move',
      );
    }
    this.#record = outcome.record;
    if (!wasStored) this.#createdHere = true;
    this.#rotated = true;
    this.#acted = true;
  }

  #endCurrent(): void {
    this.#record = null;
    this.#createdHere = true;
    this.#rotated = false;
    this.#ended = true;
    this.#acted = true;
  }

  /**
   * Runs an explicit operation after the ones before it. An unavailable Redis marks the scope
   * degraded (the commit then writes nothing) and reaches the app as a 503 `SessError`.
   */
  #run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue
      .catch(() => {})
      .then(async () => {
        try {
          return await operation();
        } catch (error) {
          if (isSessError(error, 'UNAVAILABLE')) this.#degraded = true;
          throw toHttpError(error);
        }
      });
    this.#queue = result;
    return result;
  }
}

/** What `listSessions` tells of a session: never its id (see `sessionHandle`). */
function summaryOf(record: SessionRecord, current: boolean): SessionSummary {
  const summary: {
    -readonly [K in keyof SessionSummary]: SessionSummary[K];
  } = {
    handle: sessionHandle(record.id),
    current,
    createdAt: record.createdAt,
    lastAccessAt: record.lastAccessAt,
    expiresAt: record.expiresAt,
  };
  const device = record.device;
  if (device?.userAgent !== undefined) summary.userAgent = device.userAgent;
  if (device?.address !== undefined) summary.address = device.address;
  return summary;
}

/**
 * `store[REGENERATE]`, or for a store from another copy of this package (whose symbol differs),
 * its public `regenerate` with `SESSION_GONE` read as an ended session.
 */
function regenerateIn(
  store: SessionStore,
  record: SessionRecord,
  options: RegenerateOptions,
): Promise<RegenerateOutcome> {
  if (typeof store[REGENERATE] === 'function') return store[REGENERATE](record, options);
  return store.regenerate(record, options).then(
    (next) => ({ record: next }),
    (error: unknown) => {
      if (isSessError(error, 'SESSION_GONE')) return { gone: 'ended' as const };
      throw error;
    },
  );
}
