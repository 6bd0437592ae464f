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
   * reply and the framework is a measurable share of sess' own work for a read
   * (docs/design/read-path.md). A callback that throws is the framework's error, as
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
    const id = incoming.id;
    if (id === undefined) {
      const scope = this.#scope(incoming, secure, null, false);
      queueMicrotask(() => onScope(scope));
      return;
    }
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
