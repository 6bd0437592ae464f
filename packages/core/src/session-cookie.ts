import { parseCookie, type SetCookie } from 'cookie';
import { CookieSigner } from './cookie-signer.js';
import type { ResolvedCookieOptions } from './http-options.js';
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

const ABSENT: IncomingCookie = { present: false, id: undefined, stale: false };
const INVALID: IncomingCookie = { present: true, id: undefined, stale: false };

/**
 * The session cookie: its name and attributes for a request, reading it from a Cookie header,
 * writing it to a Set-Cookie header. The value is the id, then `.` and its HMAC when secrets
 * are configured.
 */
export class SessionCookie {
  readonly #options: ResolvedCookieOptions;
  readonly #signer: CookieSigner | undefined;

  /** The session cookie's header, for plain and for secure requests. */
  readonly #templates: readonly [SetCookieTemplate, SetCookieTemplate];

  constructor(options: ResolvedCookieOptions, secrets: readonly string[]) {
    this.#options = options;
    this.#signer = secrets.length > 0 ? new CookieSigner(secrets) : undefined;
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
    const { hostPrefix, domain, path, name } = this.#options;
    const prefixed =
      hostPrefix && domain === undefined && path === '/' && this.secureFor(secureRequest);
    return prefixed ? `__Host-${name}` : name;
  }

  /** Never throws: whatever the header holds, the answer is an id or no id. */
  read(header: string | undefined, secureRequest: boolean): IncomingCookie {
    if (typeof header !== 'string' || header.length === 0) return ABSENT;
    const name = this.nameFor(secureRequest);
    if (!header.includes(name)) return ABSENT;
    let value: string | undefined;
    try {
      // Identity decoding: a valid value needs none, and `%2A` must stay `%2A`, not become `*`.
      value = parseCookie(header, { decode: (text) => text })[name];
    } catch {
      return INVALID;
    }
    if (value === undefined) return ABSENT;
    if (value.length > MAX_VALUE_LENGTH) return INVALID;
    if (this.#signer === undefined) {
      return isValidSessionId(value) ? { present: true, id: value, stale: false } : INVALID;
    }
    // The id's shape is checked before the HMAC, so junk costs no hashing.
    if (value.length !== MAX_VALUE_LENGTH || !isValidSessionId(value.slice(0, ID_LENGTH))) {
      return INVALID;
    }
    const verified = this.#signer.verify(value);
    if (verified === null || !isValidSessionId(verified.id)) return INVALID;
    return { present: true, id: verified.id, stale: verified.stale };
  }

  /** The Set-Cookie value carrying `id`; persistent cookies expire with the session. */
  serialize(id: string, secureRequest: boolean, expiresAt: number, now: number): string {
    const value = this.#signer ? this.#signer.sign(id) : id;
    const template = this.#templates[secureRequest ? 1 : 0];
    if (!this.#options.persistent) return template.render(value);
    return template.render(value, {
      maxAge: Math.max(0, Math.floor((expiresAt - now) / 1000)),
      expiresAt,
    });
  }

  /** The Set-Cookie value that makes the browser drop the cookie. */
  clear(secureRequest: boolean): string {
    return this.#templates[secureRequest ? 1 : 0].render('', { maxAge: 0, expiresAt: 0 });
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
