/**
 * A browser's cookies for one site, enough for the tests: Set-Cookie stores or (Max-Age=0, an
 * expiry in the past) drops a cookie by name; `header()` is the Cookie header sent back.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Takes the Set-Cookie headers of a response. */
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) this.set(line);
  }

  set(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    const gone = attributes.some((attribute) => {
      const [key = '', setting = ''] = attribute.split('=');
      if (key.toLowerCase() === 'max-age') return Number(setting) <= 0;
      if (key.toLowerCase() === 'expires') return Date.parse(setting) <= Date.now();
      return false;
    });
    if (gone) this.#cookies.delete(name);
    else this.#cookies.set(name, value);
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  has(name: string): boolean {
    return this.#cookies.has(name);
  }

  /** The cookie names held, sorted. */
  names(): string[] {
    return [...this.#cookies.keys()].sort();
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** A copy: another browser holding the same cookies. */
  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [name, value] of this.#cookies) copy.#cookies.set(name, value);
    return copy;
  }
}
