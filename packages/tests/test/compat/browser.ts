import { CookieJar } from './cookie-jar.js';

/** A browser on one app: it keeps the cookies, follows nothing, and sends forms. */
export class Browser {
  readonly jar: CookieJar;
  readonly #base: string;

  constructor(base: string, jar = new CookieJar()) {
    this.#base = base;
    this.jar = jar;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.#send('GET', path, undefined, headers);
  }

  /** A POST with an urlencoded form (the body of a login form). */
  async post(
    path: string,
    form: Record<string, string> = {},
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.#send('POST', path, new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    });
  }

  /** `get` and the JSON body. */
  async json(path: string): Promise<Record<string, unknown>> {
    const response = await this.get(path);
    if (response.status !== 200)
      throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  /** Another browser on `base` (another app) with these cookies. */
  on(base: string): Browser {
    return new Browser(base, this.jar);
  }

  async #send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<Response> {
    const cookie = this.jar.header();
    const response = await fetch(`${this.#base}${path}`, {
      method,
      body,
      redirect: 'manual',
      headers: cookie.length > 0 ? { cookie, ...headers } : headers,
    });
    this.jar.take(response);
    return response;
  }
}
