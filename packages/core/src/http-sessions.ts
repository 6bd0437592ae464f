import { isSessError } from './errors.js';
import { toHttpError } from './http-error.js';
import {
  type HttpSessionOptions,
  type ResolvedHttpOptions,
  resolveHttpOptions,
} from './http-options.js';
import { type IncomingCookie, SessionCookie } from './session-cookie.js';
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
 * The HTTP request lifecycle, for any framework (DESIGN §7): `open` a request from its Cookie
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
   * answer and `onUnavailable` is `'fail'`.
   */
  open(request: HttpRequestFacts): Promise<SessionScope> {
    return new Promise((resolve, reject) => this.openWith(request, resolve, reject));
  }

  /**
   * `open` with callbacks instead of a promise: exactly one is called, never synchronously.
   * For adapters whose framework takes callbacks (Express, Fastify): each promise between the
   * reply and the framework cost a read a few per cent of sess' own work (`npm run
   * instructions -w @sess/bench-peers`). A callback that throws is the framework's error, as
   * in a `.then()`.
   */
  openWith(
    request: HttpRequestFacts,
    onScope: (scope: SessionScope) => void,
    onError: (error: unknown) => void,
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
    if (incoming.id === undefined) {
      const scope = this.#scope(incoming, secure, null, false);
      queueMicrotask(() => onScope(scope));
      return;
    }
    this.#loadInto(incoming, incoming.id, secure, onScope, onError);
  }

  /**
   * `open`, but the scope itself when opening needs no Redis call (no session cookie, or one
   * that does not verify): an anonymous request, a first write among them, then costs no
   * promise and no turn of the microtask queue. For adapters whose middleware is async anyway
   * (Koa), which test for a promise before awaiting. Failures reject, as from `open`.
   */
  openNow(request: HttpRequestFacts): SessionScope | Promise<SessionScope> {
    let secure: boolean;
    let incoming: IncomingCookie;
    try {
      secure = isSecureRequest(request, this.#trust);
      incoming = this.#cookie.read(request.cookie, secure);
    } catch (error) {
      return Promise.reject(toHttpError(error));
    }
    const id = incoming.id;
    if (id === undefined) return this.#scope(incoming, secure, null, false);
    return new Promise((resolve, reject) => this.#loadInto(incoming, id, secure, resolve, reject));
  }

  /** `openNow` with the facts read from a Node request. */
  openRequestNow(request: NodeRequestLike): SessionScope | Promise<SessionScope> {
    return this.openNow(requestFacts(request));
  }

  /** Loads the cookie's session and opens the scope on it (or degraded, per `onUnavailable`). */
  #loadInto(
    incoming: IncomingCookie,
    id: string,
    secure: boolean,
    onScope: (scope: SessionScope) => void,
    onError: (error: unknown) => void,
  ): void {
    const opened = (record: SessionRecord | null, degraded: boolean): void => {
      let scope: SessionScope;
      try {
        scope = this.#scope(incoming, secure, record, degraded);
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

  #scope(
    incoming: IncomingCookie,
    secure: boolean,
    record: SessionRecord | null,
    degraded: boolean,
  ): SessionScope {
    return new SessionScope({
      options: this.#options,
      cookie: this.#cookie,
      incoming,
      secure,
      record,
      degraded,
    });
  }

  /** `open` with the facts read from a Node request (`IncomingMessage`, `Http2ServerRequest`). */
  openRequest(request: NodeRequestLike): Promise<SessionScope> {
    return this.open(requestFacts(request));
  }

  /** `openWith` with the facts read from a Node request. */
  openRequestWith(
    request: NodeRequestLike,
    onScope: (scope: SessionScope) => void,
    onError: (error: unknown) => void,
  ): void {
    this.openWith(requestFacts(request), onScope, onError);
  }
}

/** Shorthand for `new HttpSessions(options)`. */
export function createHttpSessions(options: HttpSessionOptions): HttpSessions {
  return new HttpSessions(options);
}
