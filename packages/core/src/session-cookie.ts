import type { SetCookie } from 'cookie';
import { findCookieValue } from './cookie-header.js';
import { CookieSigner } from './cookie-signer.js';
import type { ResolvedCookieOptions } from './http-options.js';
import { RecentMap } from './recent-map.js';
import { isValidSessionId } from './session-id.js';
import { SetCookieTemplate } from './set-cookie-template.js';

const ID_LENGTH = 43;
/** Anything longer cannot be an id, signed or not: refused before any parsing of its content. */
const MAX_VALUE_LENGTH = CookieSigner.signedLength(ID_LENGTH);

/** What the Cookie header said about the session. */
export interface IncomingCookie {
  /** A cookie with the session cookie's name was sent, valid or not. */
  readonly present: boolean;
  /** The id in a well-formed, correctly signed value. */
  readonly id: string | undefined;
  /** Signed with an older secret: to be sent again, signed with the current one. */
  readonly stale: boolean;
}

/** An accepted value, remembered under its `shortKey`. */
interface AcceptedValue {
  readonly value: string;
  readonly incoming: IncomingCookie;
}

const ABSENT: IncomingCookie = Object.freeze({ present: false, id: undefined, stale: false });
const INVALID: IncomingCookie = Object.freeze({ present: true, id: undefined, stale: false });

/**
 * Cookie values accepted lately. A browser sends the same value on every request, and an HMAC
 * is one of the larger costs of a read (docs/design/read-path.md), so a value seen again is neither hashed nor parsed again. Only accepted values are kept, so a flood of
 * forged cookies cannot evict the real ones; a hit tells the sender nothing it did not hold.
 */
const ACCEPTED_CACHE_SIZE = 4_096;
/** How many of a value's characters make its key in that memo (see `shortKey`). */
const SHORT_KEY_LENGTH = 8;

/**
 * The session cookie: its name and attributes for a request, reading it from a Cookie header,
 * writing it to a Set-Cookie header. The value is the id, then `.` and its HMAC when secrets
 * are configured.
 */
export class SessionCookie {
  readonly #options: ResolvedCookieOptions;
  readonly #signer: CookieSigner | undefined;
  /** The cookie's name for plain and for secure requests. */
  readonly #names: readonly [string, string];
  /** The session cookie's header, for plain and for secure requests. */
  readonly #templates: readonly [SetCookieTemplate, SetCookieTemplate];
  /** By `shortKey`: a lookup by the value itself would hash a new string on every request. */
  readonly #accepted = new RecentMap<number, AcceptedValue>(ACCEPTED_CACHE_SIZE);

  constructor(options: ResolvedCookieOptions, secrets: readonly string[]) {
    this.#options = options;
    this.#signer = secrets.length > 0 ? new CookieSigner(secrets) : undefined;
    this.#names = [this.#nameFor(false), this.#nameFor(true)];
    this.#templates = [
      new SetCookieTemplate(this.#attributes(false)),
      new SetCookieTemplate(this.#attributes(true)),
    ];
  }

  get persistent(): boolean {
    return this.#options.persistent;
  }

  /** Whether the cookie of a request with this security carries `Secure`. */
  secureFor(secureRequest: boolean): boolean {
    const secure = this.#options.secure;
    return secure === 'auto' ? secureRequest : secure;
  }

  /** `__Host-<name>` where the prefix's rules hold (Secure, no Domain, Path=/), else `<name>`. */
  nameFor(secureRequest: boolean): string {
    return this.#names[secureRequest ? 1 : 0];
  }

  /** Never throws: whatever the header holds, the answer is an id or no id. */
  read(header: string | undefined, secureRequest: boolean): IncomingCookie {
    if (typeof header !== 'string' || header.length === 0) return ABSENT;
    // Raw: a valid value needs no decoding, and `%2A` must stay `%2A`, not become `*`.
    const value = findCookieValue(header, this.nameFor(secureRequest));
    if (value === undefined) return ABSENT;
    return this.#known(value) ?? this.#accept(value);
  }

  /**
   * A value that came some other way than the Cookie header (a session token: the same signed
   * id), checked and remembered as a cookie value is. Never throws.
   */
  readValue(value: string): IncomingCookie {
    return this.#known(value) ?? this.#accept(value);
  }

  /** The value that carries `id`: the id, signed when there are secrets. */
  valueOf(id: string): string {
    return this.#signer ? this.#signer.sign(id) : id;
  }

  /** What `value` held when it was accepted lately. */
  #known(value: string): IncomingCookie | undefined {
    const known = this.#accepted.get(shortKey(value));
    return known !== undefined && known.value === value ? known.incoming : undefined;
  }

  /** A value not accepted lately: checked, and remembered if it holds an id. */
  #accept(value: string): IncomingCookie {
    if (value.length > MAX_VALUE_LENGTH) return INVALID;
    let incoming: IncomingCookie = INVALID;
    if (this.#signer === undefined) {
      if (isValidSessionId(value)) incoming = { present: true, id: value, stale: false };
    } else if (value.length === MAX_VALUE_LENGTH && isValidSessionId(value.slice(0, ID_LENGTH))) {
      // The id's shape is checked before the HMAC, so junk costs no hashing.
      const verified = this.#signer.verify(value);
      if (verified !== null && isValidSessionId(verified.id)) {
        incoming = { present: true, id: verified.id, stale: verified.stale };
      }
    }
    if (incoming === INVALID) return INVALID;
    const frozen = Object.freeze(incoming);
    this.#accepted.set(shortKey(value), { value: flatCopy(value), incoming: frozen });
    return frozen;
  }

  /**
   * The Set-Cookie value carrying `id`; a persistent cookie expires with the session, another
   * when the browser closes.
   */
  serialize(
    id: string,
    secureRequest: boolean,
    expiresAt: number,
    now: number,
    persistent = this.#options.persistent,
  ): string {
    const value = this.valueOf(id);
    const template = this.#templates[secureRequest ? 1 : 0];
    if (!persistent) return template.render(value);
    return template.render(value, {
      maxAge: Math.max(0, Math.floor((expiresAt - now) / 1000)),
      expiresAt,
    });
  }

  /** The Set-Cookie value that makes the browser drop the cookie. */
  clear(secureRequest: boolean): string {
    return this.#templates[secureRequest ? 1 : 0].render('', { maxAge: 0, expiresAt: 0 });
  }

  #nameFor(secureRequest: boolean): string {
    const { hostPrefix, domain, path, name } = this.#options;
    const prefixed =
      hostPrefix && domain === undefined && path === '/' && this.secureFor(secureRequest);
    return prefixed ? `__Host-${name}` : name;
  }

  #attributes(secureRequest: boolean): SetCookie {
    const { path, domain, httpOnly, sameSite } = this.#options;
    return {
      name: this.nameFor(secureRequest),
      value: undefined,
      path,
      domain,
      httpOnly,
      sameSite,
      secure: this.secureFor(secureRequest),
    };
  }
}

/**
 * A number for a cookie value, from its first characters (FNV-1a), small enough for V8 to keep
 * as an integer: a Map looks it up without hashing a string. Ids are random, so those
 * characters tell values apart; two that share a key only take turns in the memo, since an
 * entry counts only for its whole value, and a forged one is never remembered.
 */
function shortKey(value: string): number {
  let hash = 0x811c9dc5;
  const end = Math.min(value.length, SHORT_KEY_LENGTH);
  for (let i = 0; i < end; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return hash & 0x3fffffff;
}

/**
 * `value` in a string of its own, not a substring of the header it came in: that would keep
 * the whole header alive, and V8 compares two substrings more slowly than a substring with a
 * string of its own.
 */
function flatCopy(value: string): string {
  return Buffer.from(value, 'latin1').toString('latin1');
}
