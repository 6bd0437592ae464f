import { DeviceCapture } from './device-capture.js';
import { isSessError } from './errors.js';
import { toHttpError } from './http-error.js';
import {
  type HttpSessionOptions,
  type ResolvedHttpOptions,
  resolveHttpOptions,
} from './http-options.js';
import type { SessionDialect } from './session.js';
import { type IncomingCookie, SessionCookie } from './session-cookie.js';
import { findOldSession, importOldSession } from './session-import.js';
import type { SessionRecord } from './session-record.js';
import { SessionScope } from './session-scope.js';
import { LOAD_CHECKED, type SessionStore } from './session-store.js';
import { SessionToken } from './session-token.js';
import {
  compileTrustProxy,
  type ExtraFacts,
  type HttpRequestFacts,
  isSecureRequest,
  type NodeRequestLike,
  requestFacts,
  type TrustRule,
} from './trust-proxy.js';

/** What a request brought: its facts, the session cookie or token it carried, how it came. */
interface RequestStart {
  readonly request: HttpRequestFacts;
  readonly incoming: IncomingCookie;
  /** The id came in a token (header), not a cookie. */
  readonly byToken: boolean;
  readonly secure: boolean;
  /** The framework's session vocabulary the request's views speak (see `SessionDialect`). */
  readonly dialect: SessionDialect | undefined;
}

type OldSession = NonNullable<ReturnType<typeof findOldSession>>;

/**
 * The HTTP request lifecycle, for any framework (docs/design/http-lifecycle.md): `open` a request from its Cookie
 * header and connection facts, let the handler use `scope.session`, then `scope.commit()` and
 * send the Set-Cookie (and Cache-Control) headers it returns. Adapters are this plus their
 * framework's plumbing.
 */
export class HttpSessions {
  readonly #options: ResolvedHttpOptions;
  readonly #cookie: SessionCookie;
  readonly #trust: TrustRule;
  /** Undefined when the `token` option is off. */
  readonly #token: SessionToken | undefined;
  /** Undefined when the `devices` option is off. */
  readonly #devices: DeviceCapture | undefined;
  /** What a Node request's facts must include beyond the cookie's; undefined: nothing more. */
  readonly #extraFacts: ExtraFacts | undefined;
  /**
   * The cookie accepts only well-formed ids, so a load skips the store's second check; a
   * store-like object (another copy of this package) gets `load`.
   */
  readonly #load: (
    id: string,
    onRecord: (record: SessionRecord | null) => void,
    onError: (error: unknown) => void,
  ) => void;

  constructor(options: HttpSessionOptions) {
    this.#options = resolveHttpOptions(options);
    const store = this.#options.store;
    this.#load =
      typeof store[LOAD_CHECKED] === 'function'
        ? (id, onRecord, onError) => store[LOAD_CHECKED](id, onRecord, onError)
        : (id, onRecord, onError) => void store.load(id).then(onRecord, onError);
    this.#cookie = new SessionCookie(this.#options.cookie, this.#options.secrets);
    this.#trust = compileTrustProxy(this.#options.trustProxy);
    const { token, devices } = this.#options;
    this.#token = token === undefined ? undefined : new SessionToken(token);
    this.#devices = devices === undefined ? undefined : new DeviceCapture(devices, this.#trust);
    this.#extraFacts =
      token === undefined && devices === undefined
        ? undefined
        : { tokenHeader: this.#token?.headerKey, device: devices !== undefined };
  }

  get store(): SessionStore {
    return this.#options.store;
  }

  /**
   * Starts a request. Loads the session (one round trip) only when a well-formed, correctly
   * signed cookie (or, with the `token` option, token) came with it; anything else costs no
   * Redis call and is simply anonymous.
   * Throws a `SessError` with `code: 'UNAVAILABLE'` and `status: 503` when Redis does not
   * answer and `onUnavailable` is `'fail'`. `dialect`: the framework's session vocabulary the
   * request's views speak (an adapter's; see `SessionDialect`).
   */
  open(request: HttpRequestFacts, dialect?: SessionDialect): Promise<SessionScope> {
    return new Promise((resolve, reject) => this.openWith(request, resolve, reject, dialect));
  }

  /**
   * `open` with callbacks instead of a promise: exactly one is called, never synchronously.
   * For adapters whose framework takes callbacks (Express, Fastify): each promise between the
   * reply and the framework is a measurable share of sess' own work for a read
   * (docs/design/read-path.md). A callback that throws is the framework's error, as
   * in a `.then()`.
   */
  openWith(
    request: HttpRequestFacts,
    onScope: (scope: SessionScope) => void,
    onError: (error: unknown) => void,
    dialect?: SessionDialect,
  ): void {
    let start: RequestStart;
    try {
      start = this.#start(request, dialect);
    } catch (error) {
      queueMicrotask(() => onError(toHttpError(error)));
      return;
    }
    const id = start.incoming.id;
    if (id !== undefined) {
      this.#loadInto(start, id, onScope, onError);
      return;
    }
    const old = this.#oldSession(start);
    if (old !== undefined) {
      this.#import(start, old, onScope, onError);
      return;
    }
    const scope = this.#scope(start, null, false);
    queueMicrotask(() => onScope(scope));
  }

  /**
   * `open`, but the scope itself when opening needs no Redis call (no session cookie or token,
   * or one that does not verify): an anonymous request, a first write among them, then costs
   * no promise and no turn of the microtask queue. For adapters whose middleware is async
   * anyway (Koa), which test for a promise before awaiting. Failures reject, as from `open`.
   */
  openNow(
    request: HttpRequestFacts,
    dialect?: SessionDialect,
  ): SessionScope | Promise<SessionScope> {
    let start: RequestStart;
    try {
      start = this.#start(request, dialect);
    } catch (error) {
      return Promise.reject(toHttpError(error));
    }
    const id = start.incoming.id;
    if (id !== undefined) {
      return new Promise((resolve, reject) => this.#loadInto(start, id, resolve, reject));
    }
    const old = this.#oldSession(start);
    if (old !== undefined) {
      return new Promise((resolve, reject) => this.#import(start, old, resolve, reject));
    }
    return this.#scope(start, null, false);
  }

  /** `open` with the facts read from a Node request (`IncomingMessage`, `Http2ServerRequest`). */
  openRequest(request: NodeRequestLike, dialect?: SessionDialect): Promise<SessionScope> {
    return this.open(requestFacts(request, this.#extraFacts), dialect);
  }

  /** `openWith` with the facts read from a Node request. */
  openRequestWith(
    request: NodeRequestLike,
    onScope: (scope: SessionScope) => void,
    onError: (error: unknown) => void,
    dialect?: SessionDialect,
  ): void {
    this.openWith(requestFacts(request, this.#extraFacts), onScope, onError, dialect);
  }

  /** `openNow` with the facts read from a Node request. */
  openRequestNow(
    request: NodeRequestLike,
    dialect?: SessionDialect,
  ): SessionScope | Promise<SessionScope> {
    return this.openNow(requestFacts(request, this.#extraFacts), dialect);
  }

  /** What the request says about its session: the token, else the cookie. */
  #start(request: HttpRequestFacts, dialect: SessionDialect | undefined): RequestStart {
    const secure = isSecureRequest(request, this.#trust);
    const token = this.#token?.read(request, this.#cookie);
    const incoming = token ?? this.#cookie.read(request.cookie, secure);
    return { request, incoming, byToken: token !== undefined, secure, dialect };
  }

  /** Another library's valid cookie on a request without a sess one (`migrateFrom`). */
  #oldSession(start: RequestStart): OldSession | undefined {
    const importers = this.#options.migrateFrom;
    if (importers.length === 0 || start.byToken) return undefined;
    return findOldSession(importers, start.request.cookie);
  }

  /** Loads the request's session and opens the scope on it (or degraded, per `onUnavailable`). */
  #loadInto(
    start: RequestStart,
    id: string,
    onScope: (scope: SessionScope) => void,
    onError: (error: unknown) => void,
  ): void {
    const opened = (record: SessionRecord | null, degraded: boolean): void => {
      let scope: SessionScope;
      try {
        scope = this.#scope(start, record, degraded);
      } catch (error) {
        onError(toHttpError(error));
        return;
      }
      onScope(scope);
    };
    this.#load(
      id,
      (record) => opened(record, false),
      (error) => {
        if (!isSessError(error, 'UNAVAILABLE') || this.#options.onUnavailable === 'fail') {
          onError(toHttpError(error));
        } else {
          opened(null, true);
        }
      },
    );
  }

  /**
   * A request with another library's valid cookie and no sess cookie (`migrateFrom`): its old
   * session becomes a sess session, or the request goes on anonymous.
   */
  #import(
    start: RequestStart,
    old: OldSession,
    onScope: (scope: SessionScope) => void,
    onError: (error: unknown) => void,
  ): void {
    importOldSession(this.#options, start.dialect, old.importer, old.oldId, start.secure).then(
      ({ record, clearCookies }) => {
        let scope: SessionScope;
        try {
          scope = this.#scope(start, record, false, { created: record !== null, clearCookies });
        } catch (error) {
          onError(toHttpError(error));
          return;
        }
        onScope(scope);
      },
      (error: unknown) => {
        if (this.#options.onUnavailable === 'fail') onError(toHttpError(error));
        else onScope(this.#scope(start, null, true));
      },
    );
  }

  #scope(
    start: RequestStart,
    record: SessionRecord | null,
    degraded: boolean,
    imported?: { readonly created: boolean; readonly clearCookies: readonly string[] },
  ): SessionScope {
    const { request, incoming, byToken, secure, dialect } = start;
    return new SessionScope({
      options: this.#options,
      cookie: this.#cookie,
      incoming,
      token: byToken ? this.#token : undefined,
      devices: this.#devices,
      request,
      secure,
      record,
      degraded,
      dialect,
      ...imported,
    });
  }
}

/**
 * The HTTP lifecycle for these options: what an adapter wraps. Pass the result to several
 * adapters to share one configuration.
 */
export function createHttpSessions(options: HttpSessionOptions): HttpSessions {
  return new HttpSessions(options);
}

/**
 * Whether `value` is an `HttpSessions` (from `createHttpSessions`), so an adapter can accept
 * options or one to share: `isHttpSessions(options) ? options : createHttpSessions(options)`.
 */
export function isHttpSessions(value: unknown): value is HttpSessions {
  return value instanceof HttpSessions;
}
