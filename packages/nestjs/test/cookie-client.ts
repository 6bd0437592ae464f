/** A response as the tests look at it. */
export interface Reply {
  readonly status: number;
  readonly setCookie: readonly string[];
  readonly body: unknown;
}

/**
 * `fetch` with the one cookie a browser would keep for the app: the session cookie, replaced
 * when the app sends a new one and dropped when it clears it.
 */
export class CookieClient {
  readonly #base: string;
  #cookie: string | undefined;

  constructor(base: string) {
    this.#base = base;
  }

  /** `name=value` of the session cookie, if the client holds one. */
  get cookie(): string | undefined {
    return this.#cookie;
  }

  get(path: string): Promise<Reply> {
    return this.#request('GET', path);
  }

  post(path: string): Promise<Reply> {
    return this.#request('POST', path);
  }

  async #request(method: string, path: string): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (this.#cookie !== undefined) headers.cookie = this.#cookie;
    const response = await fetch(new URL(path, this.#base), { method, headers });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) {
      const pair = line.split(';')[0] ?? '';
      const cleared = /;\s*max-age=0/i.test(line) || pair.endsWith('=');
      this.#cookie = cleared ? undefined : pair;
    }
    const text = await response.text();
    return { status: response.status, setCookie, body: text === '' ? undefined : JSON.parse(text) };
  }
}
