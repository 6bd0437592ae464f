import type { SessionCookieFacts } from './compat-backend.js';
import { SessError } from './errors.js';
import type { SessionBackend } from './session.js';

/**
 * `req.session.cookie` as express-session (and @fastify/session's `request.session.cookie`)
 * shows it, over sess' lifetime policies. Reading tells the truth of this request's session:
 * `maxAge` counts down to its expiry, `originalMaxAge` is its policy's idle timeout, both
 * `null` (and `expires` `null`) for a cookie that ends with the browser. Assigning `maxAge`,
 * `originalMaxAge` or `expires` moves the session to the lifetime policy that value stands for
 * (see `lifetimeForMaxAge`): timeouts are policy, so a value no policy has is refused with the
 * policy to add. The attributes (`path`, `secure`...) are the middleware's options.
 */
export class SessionCookieView {
  readonly #backend: SessionBackend;
  /** How the application reaches it, for errors: `'req.session.cookie'`. */
  readonly #where: string;

  constructor(backend: SessionBackend, where: string) {
    this.#backend = backend;
    this.#where = where;
  }

  get maxAge(): number | null {
    const facts = this.#facts();
    return facts.persistent ? Math.max(0, facts.expiresAt - facts.now) : null;
  }
  set maxAge(value: number | null) {
    this.#setMaxAge(value, 'maxAge');
  }

  get originalMaxAge(): number | null {
    const facts = this.#facts();
    return facts.persistent ? facts.idleTimeout : null;
  }
  set originalMaxAge(value: number | null) {
    this.#setMaxAge(value, 'originalMaxAge');
  }

  get expires(): Date | null {
    const facts = this.#facts();
    return facts.persistent ? new Date(facts.expiresAt) : null;
  }
  set expires(value: Date | null | false) {
    if (value === null || value === false) {
      this.#backend.compat.setCookieMaxAge(null, `${this.#where}.expires`);
      return;
    }
    const at = value instanceof Date ? value.getTime() : Number.NaN;
    if (!Number.isFinite(at)) {
      throw new SessError(
        'INVALID_VALUE',
        `${this.#where}.expires: expected a Date, or null for a cookie that ends with the browser`,
      );
    }
    this.#backend.compat.setCookieMaxAge(at - this.#facts().now, `${this.#where}.expires`);
  }

  get path(): string {
    return this.#facts().path;
  }
  set path(_value: string) {
    this.#refuse('path');
  }
  get domain(): string | undefined {
    return this.#facts().domain;
  }
  set domain(_value: string | undefined) {
    this.#refuse('domain');
  }
  get httpOnly(): boolean {
    return this.#facts().httpOnly;
  }
  set httpOnly(_value: boolean) {
    this.#refuse('httpOnly');
  }
  get secure(): boolean {
    return this.#facts().secure;
  }
  set secure(_value: boolean) {
    this.#refuse('secure');
  }
  get sameSite(): 'lax' | 'strict' | 'none' {
    return this.#facts().sameSite;
  }
  set sameSite(_value: 'lax' | 'strict' | 'none') {
    this.#refuse('sameSite');
  }

  /** What express-session serializes: the attributes and the expiry. */
  toJSON(): Record<string, unknown> {
    const facts = this.#facts();
    return {
      originalMaxAge: facts.persistent ? facts.idleTimeout : null,
      expires: facts.persistent ? new Date(facts.expiresAt).toISOString() : null,
      secure: facts.secure,
      httpOnly: facts.httpOnly,
      domain: facts.domain,
      path: facts.path,
      sameSite: facts.sameSite,
    };
  }

  #facts(): SessionCookieFacts {
    return this.#backend.compat.cookieFacts();
  }

  #setMaxAge(value: unknown, name: string): void {
    const where = `${this.#where}.${name}`;
    if (value instanceof Date) {
      this.#backend.compat.setCookieMaxAge(value.getTime() - this.#facts().now, where);
      return;
    }
    this.#backend.compat.setCookieMaxAge(value === null ? null : (value as number), where);
  }

  #refuse(name: string): never {
    throw new SessError(
      'INVALID_VALUE',
      `${this.#where}.${name}: the cookie's attributes are options of the session middleware (\`cookie: { ${name} }\`), the same for every session`,
    );
  }
}
