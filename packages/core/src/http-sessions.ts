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
  readonly #load: (id: string) => Promise<SessionRecord | null>;

  constructor(options: HttpSessionOptions) {
    this.#options = resolveHttpOptions(options);
    const store = this.#options.store;
    this.#load =
      typeof store[LOAD_CHECKED] === 'function'
        ? (id) => store[LOAD_CHECKED](id)
        : (id) => store.load(id);
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
    // No async frame: every request comes through here, and each frame costs promise jobs.
    try {
      const secure = isSecureRequest(request, this.#trust);
      const incoming = this.#cookie.read(request.cookie, secure);
      if (incoming.id === undefined) {
        return Promise.resolve(this.#scope(incoming, secure, null, false));
      }
      return this.#load(incoming.id).then(
        (record) => this.#scope(incoming, secure, record, false),
        (error: unknown) => {
          if (!isSessError(error, 'UNAVAILABLE') || this.#options.onUnavailable === 'fail') {
            throw toHttpError(error);
          }
          return this.#scope(incoming, secure, null, true);
        },
      );
    } catch (error) {
      return Promise.reject(toHttpError(error));
    }
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
}

/** Shorthand for `new HttpSessions(options)`. */
export function createHttpSessions(options: HttpSessionOptions): HttpSessions {
  return new HttpSessions(options);
}
