import type { CompatBackend, SessionCookieFacts } from './compat-backend.js';
import { DetachedBackend } from './detached-backend.js';
import type { DeviceCapture } from './device-capture.js';
import { isSessError, SessError } from './errors.js';
import { toHttpError } from './http-error.js';
import type { ResolvedHttpOptions } from './http-options.js';
import { requireLifetimeForMaxAge } from './lifetime-for-max-age.js';
import { DEFAULT_LIFETIME, type LifetimePolicy } from './lifetime-policy.js';
import { mapPrincipal } from './principal-mapping.js';
import { ReadOnlyBackend } from './read-only-backend.js';
import {
  createSessionView,
  type KeepAttributes,
  RESERVED_SESSION_NAMES,
  type RegenerateSessionOptions,
  rebindSessionView,
  type Session,
  type SessionBackend,
  type SessionDialect,
  type SessionSummary,
  type SignInOptions,
} from './session.js';
import type { IncomingCookie, SessionCookie } from './session-cookie.js';
import { sessionHandle } from './session-handle.js';
import { absentIfInvalid, assertAttributeName, type SessionRecord } from './session-record.js';
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

/** What `#endNow` returns when nothing is stored to end. */
const NOTHING_TO_END = Symbol('nothing to end');

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
  /** The framework's session vocabulary its views speak (see `SessionDialect`), if any. */
  readonly dialect?: SessionDialect | undefined;
  /** `record` was created by the open itself (imported from another library): its cookie goes out. */
  readonly created?: boolean | undefined;
  /** Set-Cookie values clearing another library's cookies (lazy migration), sent at the commit. */
  readonly clearCookies?: readonly string[] | undefined;
}

/**
 * One request's session: the record loaded from the cookie (or none), what the handler did to
 * it, and at the end the commit and the cookie to send. Created by `HttpSessions.open`.
 */
export class SessionScope implements SessionBackend, CompatBackend {
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
  readonly #dialect: SessionDialect | undefined;
  /** The view the request uses: `regenerateAtCommit` may hand it a new one. */
  #view: Session;
  /** The record as the request found it, for what its data said before (see `#signedOutByData`). */
  readonly #loaded: SessionRecord | null;
  /**
   * The stored session a `regenerateAtCommit` leaves: it moves to `#record`'s id at the commit.
   * Until then `#record` is the new session, not stored yet.
   */
  #rotateFrom: SessionRecord | undefined;
  readonly #clearCookies: readonly string[];

  constructor(start: ScopeStart) {
    this.#options = start.options;
    this.#cookie = start.cookie;
    this.#incoming = start.incoming;
    this.#token = start.token;
    this.#devices = start.devices;
    this.#request = start.request;
    this.#secure = start.secure;
    this.#record = start.record;
    this.#loaded = start.created === true ? null : start.record;
    this.#createdHere = start.record === null || start.created === true;
    this.#rotated = start.created === true;
    this.#acted = start.created === true;
    this.#loadedLifetime = start.record?.lifetime;
    this.#degraded = start.degraded;
    this.#dialect = start.dialect;
    this.#clearCookies = start.clearCookies ?? [];
    this.#view = createSessionView(this, start.dialect);
  }

  /** The request's session: `req.session`, `request.session`, `ctx.session`. */
  get session(): Session {
    return this.#view;
  }

  get compat(): CompatBackend {
    return this;
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
      return absentIfInvalid(error);
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
    // With nothing before it in the queue, the session reads as ended at once (koa-session's
    // `ctx.session = null` is read back right away); Redis is told next. The cookie is cleared
    // even if Redis fails: the user asked to leave, and the store ends the session itself once
    // Redis answers if the failure left that in doubt.
    const early = this.#queue === IDLE ? this.#endNow() : undefined;
    return this.#run(async () => {
      const target = early ?? this.#endNow();
      if (target !== NOTHING_TO_END) await this.#options.store.destroy(target, 'sign-out');
    });
  }

  /** Ends the session in this request; what to end in Redis: the stored one, if any. */
  #endNow(): SessionRecord | string | typeof NOTHING_TO_END {
    const record = this.#takeStored();
    this.#endCurrent();
    if (record !== null && !record.isNew) return record;
    // The load failed, so the session was never seen: end it by the cookie's id.
    if (record === null && this.#degraded && this.#incoming.id !== undefined) {
      return this.#incoming.id;
    }
    return NOTHING_TO_END;
  }

  destroy(): Promise<void> {
    return this.signOut();
  }

  revokeEverywhere(options?: { keepCurrent?: boolean }): Promise<number> {
    return this.#run(async () => {
      const record = this.#rotateFrom ?? this.#record;
      const principal = record?.principal;
      if (record === null || principal === undefined) return 0;
      const keep = options?.keepCurrent === true && !record.isNew;
      const ended = await this.#options.store.revokePrincipal(
        principal,
        keep ? { except: record.id } : undefined,
      );
      if (!keep) {
        this.#rotateFrom = undefined;
        this.#endCurrent();
      }
      return ended;
    });
  }

  listSessions(): Promise<SessionSummary[]> {
    return this.#run(async () => {
      const current = this.#rotateFrom ?? this.#record;
      const principal = current?.principal;
      if (principal === undefined) return [];
      const records = await this.#options.store.findByPrincipal(principal);
      return records.map((record) => summaryOf(record, record.id === current?.id));
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
      // A regenerate waiting for the commit has not moved the stored session yet.
      const record = this.#rotateFrom ?? this.#record;
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

  // ---- CompatBackend: what the frameworks' usual session vocabularies need ---------------------

  ensureId(): string {
    return this.#writable().id;
  }

  regenerateAtCommit(keep: KeepAttributes, swap: boolean): Promise<void> {
    return this.#run(async () => {
      if (this.#committed) {
        throw new SessError(
          'INVALID_VALUE',
          'regenerate: the response has gone out, so a new session id could no longer reach the browser',
        );
      }
      const current = this.#record;
      const stored = this.#rotateFrom ?? current;
      const fresh = this.#options.store.new();
      if (current !== null) {
        const names = keep === 'all' ? current.names() : keep === 'none' ? [] : keep;
        for (const name of names) {
          const value = this.read(name);
          if (value !== undefined) fresh.set(name, value);
        }
      }
      this.#rotateFrom = stored ?? undefined;
      if (swap) {
        rebindSessionView(this.#view, new DetachedBackend(this, current));
        this.#view = createSessionView(this, this.#dialect);
      }
      this.#record = fresh;
      this.#createdHere = true;
    });
  }

  save(): Promise<void> {
    return this.#run(async () => {
      // Before the commit there is nothing to do: it runs before the response's first byte.
      if (!this.#committed) return;
      const record = this.#record;
      if (record === null) return;
      if (record.isNew || this.#rotateFrom !== undefined) {
        throw new SessError(
          'INVALID_VALUE',
          'save: the response has gone out, so a new session (or a new id) could no longer reach the browser; write to the session before sending the response',
        );
      }
      if ((await this.#options.store.commit(record)) === 'gone') this.#record = null;
    });
  }

  reload(): Promise<void> {
    return this.#run(async () => {
      const stored = this.#takeStored();
      this.#createdHere = true;
      this.#record = null;
      if (stored === null || stored.isNew) return;
      const again = await this.#options.store.load(stored.id);
      if (again === null) {
        throw new SessError('SESSION_GONE', 'reload: the session has ended');
      }
      this.#record = again;
      this.#createdHere = false;
    });
  }

  cookieFacts(): SessionCookieFacts {
    const store = this.#options.store;
    const now = store.options.now();
    const lifetime = this.lifetime;
    const policy = this.#policy(lifetime);
    const record = this.#record;
    const options = this.#options.cookie;
    return {
      path: options.path,
      domain: options.domain,
      sameSite: options.sameSite,
      httpOnly: options.httpOnly,
      secure: this.#cookie.secureFor(this.#secure),
      persistent: this.#persistent(lifetime),
      idleTimeout: policy.idleTimeout,
      expiresAt:
        record !== null
          ? record.expiresAt
          : now + Math.min(policy.idleTimeout, policy.absoluteTimeout),
      now,
    };
  }

  setCookieMaxAge(maxAge: number | null, where: string): void {
    const lifetime = requireLifetimeForMaxAge(
      this.#options.store.options.lifetimes,
      maxAge,
      this.lifetime,
      this.#cookie.persistent,
      where,
    );
    if (lifetime !== this.lifetime) this.setLifetime(lifetime);
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
    return this.#withClears(await this.#commitRecord());
  }

  async #commitRecord(): Promise<CommitOutcome> {
    const store = this.#options.store;
    try {
      await this.#settle();
    } catch (error) {
      if (isSessError(error, 'UNAVAILABLE') && this.#options.onUnavailable === 'anonymous') {
        return NOTHING;
      }
      throw toHttpError(error);
    }
    const record = this.#record;
    if (record === null) return this.#clearIfEnded();
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
    const outcome = this.#commitWithoutRedis();
    return outcome === undefined ? undefined : this.#withClears(outcome);
  }

  #commitWithoutRedis(): CommitOutcome | undefined {
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
    const persistent = this.#persistent(record.lifetime);
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

  /** Whether a cookie of `lifetime` outlives the browser: its policy, else the cookie option. */
  #persistent(lifetime: string): boolean {
    const cookie = this.#options.store.options.lifetimes.get(lifetime)?.cookie;
    return cookie === undefined ? this.#cookie.persistent : cookie === 'persistent';
  }

  #policy(lifetime: string): Readonly<LifetimePolicy> {
    const lifetimes = this.#options.store.options.lifetimes;
    return (lifetimes.get(lifetime) ?? lifetimes.get(DEFAULT_LIFETIME)) as LifetimePolicy;
  }

  /** `outcome` plus the Set-Cookie values clearing another library's cookies, if any. */
  #withClears(outcome: CommitOutcome): CommitOutcome {
    if (this.#clearCookies.length === 0) return outcome;
    return {
      setCookie: [...outcome.setCookie, ...this.#clearCookies],
      ...(this.#options.cacheControl ? { cacheControl: 'no-store' as const } : {}),
    };
  }

  /** The stored session an ending acts on: the one a pending `regenerateAtCommit` leaves, if any. */
  #takeStored(): SessionRecord | null {
    const pending = this.#rotateFrom;
    this.#rotateFrom = undefined;
    return pending ?? this.#record;
  }

  /**
   * What happens to the session's principal and id before the commit writes: the move of a
   * pending `regenerateAtCommit`, and the sign-in or sign-out `principalFrom` reads in the data.
   */
  async #settle(): Promise<void> {
    const mapping = this.#options.principalFrom;
    const from = this.#rotateFrom;
    if (from !== undefined) {
      this.#rotateFrom = undefined;
      await this.#rotateAtCommit(from, mapping === undefined ? undefined : this.#mapped());
      return;
    }
    const record = this.#record;
    if (mapping === undefined || record === null) return;
    const wanted = this.#mapped();
    if (wanted === record.principal) return;
    if (wanted !== undefined) {
      await this.#rotate({ principal: wanted, keep: 'all' });
      return;
    }
    if (!record.isNew && this.#signedOutByData(record.principal))
      await this.#endKeepingData(record);
  }

  /** The principal `principalFrom` reads in the request's data now. */
  #mapped(): string | undefined {
    const mapping = this.#options.principalFrom;
    return mapping === undefined ? undefined : mapPrincipal(mapping, this.#view);
  }

  /**
   * Whether the data took `principal` away in this request: the session the request found was
   * signed in as `principal` and its data said so. A principal from `signIn`, which the data
   * never named, stays.
   */
  #signedOutByData(principal: string | undefined): boolean {
    const loaded = this.#loaded;
    const mapping = this.#options.principalFrom;
    if (principal === undefined || mapping === undefined || loaded === null) return false;
    if (loaded.principal !== principal) return false;
    const before = createSessionView(new ReadOnlyBackend(loaded, 'stored'));
    return mapPrincipal(mapping, before) === principal;
  }

  /**
   * Ends the signed-in session `record` (its principal signed out through the data) and lets
   * what data is left go on in a new, anonymous session, created at the commit if not empty.
   */
  async #endKeepingData(record: SessionRecord): Promise<void> {
    const store = this.#options.store;
    const left = store.new();
    for (const name of record.names()) {
      const value = this.read(name);
      if (value !== undefined) left.set(name, value);
    }
    await store.destroy(record, 'sign-out');
    this.#endCurrent();
    this.#record = left;
  }

  /**
   * The move a `regenerateAtCommit` asked for: `from` (stored) goes to the id of `#record`,
   * which holds the data the request wrote since, signed in as `wanted` if the data names a
   * principal. One move, whatever the request did in between.
   */
  async #rotateAtCommit(from: SessionRecord, wanted: string | undefined): Promise<void> {
    const fresh = this.#record;
    if (fresh === null) return;
    const store = this.#options.store;
    if (from.isNew) {
      // Nothing stored to move: the new session is created by the commit, signed in if need be.
      if (wanted !== undefined) await this.#signInFresh(fresh, wanted);
      return;
    }
    const signedOut = wanted === undefined && this.#signedOutByData(from.principal);
    if (
      signedOut ||
      (wanted === undefined && from.principal === undefined && fresh.names().length === 0)
    ) {
      // Nothing signed in goes on: the old session ends; what was written since (if anything)
      // starts a new, anonymous one at the commit.
      await store.destroy(from, signedOut ? 'sign-out' : undefined);
      this.#endCurrent();
      this.#record = fresh;
      return;
    }
    carryInto(from, fresh);
    const outcome = await this.#moveTo(fresh, from, wanted);
    if (outcome.record === undefined) {
      if (outcome.gone === 'moved') {
        // A concurrent request moved it first: its cookie stands.
        this.#record = null;
        this.#createdHere = true;
        return;
      }
      // It ended meanwhile: what this request wrote starts a new session.
      if (wanted !== undefined) await this.#signInFresh(fresh, wanted);
      return;
    }
    const moved = outcome.record;
    // A sign-in whose old session ended meanwhile comes back stripped of what it carried; what
    // this request wrote after the regenerate is the request's own and stays.
    for (const name of fresh.names()) {
      if (!moved.has(name)) moved.set(name, fresh.get(name));
    }
    this.#record = moved;
    this.#rotated = true;
    this.#acted = true;
  }

  /** Creates `fresh` (not stored yet) signed in as `principal`, under its own id. */
  async #signInFresh(fresh: SessionRecord, principal: string): Promise<void> {
    const outcome = await this.#moveTo(fresh, fresh, principal);
    if (outcome.record === undefined) return;
    this.#record = outcome.record;
    this.#createdHere = true;
    this.#rotated = true;
    this.#acted = true;
  }

  /**
   * Moves `from` to `fresh`'s id with all it holds, signed in as `principal`, under the
   * lifetime `fresh` chose if it chose one.
   */
  #moveTo(
    fresh: SessionRecord,
    from: SessionRecord,
    principal: string | undefined,
  ): Promise<RegenerateOutcome> {
    const lifetime = fresh.lifetimeChanged ? fresh.lifetime : undefined;
    return regenerateIn(this.#options.store, from, { keep: 'all', principal, lifetime }, fresh.id);
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
    const pending = this.#rotateFrom;
    if (pending !== undefined && this.#record !== null) {
      // A `regenerateAtCommit` is waiting: this move is that one, with what was written since.
      this.#rotateFrom = undefined;
      const fresh = this.#record;
      if (options.lifetime === undefined && fresh.lifetimeChanged) {
        options = { ...options, lifetime: fresh.lifetime };
      }
      if (!pending.isNew) {
        carryInto(pending, fresh);
        this.#record = pending;
      }
    }
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
  nextId?: string,
): Promise<RegenerateOutcome> {
  if (typeof store[REGENERATE] === 'function') return store[REGENERATE](record, options, nextId);
  return store.regenerate(record, options).then(
    (next) => ({ record: next }),
    (error: unknown) => {
      if (isSessError(error, 'SESSION_GONE')) return { gone: 'ended' as const };
      throw error;
    },
  );
}

/**
 * Makes `from` hold exactly the data of `fresh`, so that moving `from` carries what the request
 * wrote after a `regenerateAtCommit`. `from` itself is never committed: the move replaces it.
 */
function carryInto(from: SessionRecord, fresh: SessionRecord): void {
  const names = new Set(fresh.names());
  for (const name of from.names()) if (!names.has(name)) from.delete(name);
  for (const name of names) from.set(name, fresh.get(name));
}
