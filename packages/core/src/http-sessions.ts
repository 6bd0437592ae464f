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
import {
  compileTrustProxy,
  type HttpRequestFacts,
  isSecureRequest,
  type NodeRequestLike,
  requestFacts,
  type TrustRule,
} from './trust-proxy.js';

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
  }

  /** `options` itself when it is an `HttpSessions` already, else a new one: what adapters accept. */
  static from(options: HttpSessionOptions | HttpSessions): HttpSessions {
    return options instanceof HttpSessions ? options : new HttpSessions(options);
  }

  get store(): SessionStore {
    return this.#options.store;
  }

  /**
   * Starts a request. Loads the session (one round trip) only when a well-formed, correctly
   * signed cookie came with it; anything else costs no Redis call and is simply anonymous.
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
    let secure: boolean;
    let incoming: IncomingCookie;
    try {
      secure = isSecureRequest(request, this.#trust);
      incoming = this.#cookie.read(request.cookie, secure);
    } catch (error) {
      queueMicrotask(() => onError(toHttpError(error)));
      return;
    }
    const id = incoming.id;
    if (id === undefined) {
      const old =
        this.#options.migrateFrom.length > 0
          ? findOldSession(this.#options.migrateFrom, request.cookie)
          : undefined;
      if (old !== undefined) {
        this.#import(old, incoming, secure, dialect, onScope, onError);
        return;
      }
      const scope = this.#scope(incoming, secure, null, false, dialect);
      queueMicrotask(() => onScope(scope));
      return;
    }
    const opened = (record: SessionRecord | null, degraded: boolean): void => {
      let scope: SessionScope;
      try {
        scope = this.#scope(incoming, secure, record, degraded, dialect);
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
    old: NonNullable<ReturnType<typeof findOldSession>>,
    incoming: IncomingCookie,
    secure: boolean,
    dialect: SessionDialect | undefined,
    onScope: (scope: SessionScope) => void,
    onError: (error: unknown) => void,
  ): void {
    importOldSession(this.#options, dialect, old.importer, old.oldId, secure).then(
      ({ record, clearCookies }) => {
        let scope: SessionScope;
        try {
          scope = new SessionScope({
            options: this.#options,
            cookie: this.#cookie,
            incoming,
            secure,
            record,
            degraded: false,
            dialect,
            created: record !== null,
            clearCookies,
          });
        } catch (error) {
          onError(toHttpError(error));
          return;
        }
        onScope(scope);
      },
      (error: unknown) => {
        if (this.#options.onUnavailable === 'fail') onError(toHttpError(error));
        else onScope(this.#scope(incoming, secure, null, true, dialect));
      },
    );
  }

  #scope(
    incoming: IncomingCookie,
    secure: boolean,
    record: SessionRecord | null,
    degraded: boolean,
    dialect: SessionDialect | undefined,
  ): SessionScope {
    return new SessionScope({
      options: this.#options,
      cookie: this.#cookie,
      incoming,
      secure,
      record,
      degraded,
      dialect,
    });
  }

  /** `open` with the facts read from a Node request (`IncomingMessage`, `Http2ServerRequest`). */
  openRequest(request: NodeRequestLike, dialect?: SessionDialect): Promise<SessionScope> {
    return this.open(requestFacts(request), dialect);
  }

  /** `openWith` with the facts read from a Node request. */
  openRequestWith(
    request: NodeRequestLike,
    onScope: (scope: SessionScope) => void,
    onError: (error: unknown) => void,
    dialect?: SessionDialect,
  ): void {
    this.openWith(requestFacts(request), onScope, onError, dialect);
  }
}

/** Shorthand for `new HttpSessions(options)`. */
export function createHttpSessions(options: HttpSessionOptions): HttpSessions {
  return new HttpSessions(options);
}
