/** A response as the tests look at it. */
export interface Reply {
  readonly status: number;
  readonly location: string | null;
  readonly setCookie: readonly string[];
  readonly headers: Headers;
  readonly body: string;
}

/**
 * `fetch` with a cookie jar of one site, as a browser would keep it (minus the rules a browser
 * enforces; the Express example's browser test checks those). Redirects are not followed, so
 * tests see them.
 */
export class CookieClient {
  readonly #base: string;
  readonly #cookies = new Map<string, string>();

  constructor(base: string) {
    this.#base = base;
  }

  get cookies(): ReadonlyMap<string, string> {
    return this.#cookies;
  }

  get(path: string): Promise<Reply> {
    return this.#request('GET', path);
  }

  /** A form post, as the app's HTML forms send it. */
  post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) {
    return this.#request('POST', path, new URLSearchParams(form), headers);
  }

  async #request(
    method: string,
    path: string,
    body?: URLSearchParams,
    extraHeaders: Record<string, string> = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.#cookies.size > 0) {
      headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const response = await fetch(new URL(path, this.#base), {
      method,
      headers,
      body,
      redirect: 'manual',
    });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) this.#remember(line);
    return {
      status: response.status,
      location: response.headers.get('location'),
      setCookie,
      headers: response.headers,
      body: await response.text(),
    };
  }

  #remember(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const expired = attributes.some((attribute) => {
      const [key = '', val = ''] = attribute.split('=');
      if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
      if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
      return false;
    });
    if (expired || value === '') this.#cookies.delete(name);
    else this.#cookies.set(name, value);
  }
}

/** The text of the element with this id in a page, e.g. the counter. */
export function textOf(body: string, id: string): string | undefined {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(body);
  return match?.[1];
}
