import { type SetCookie, stringifySetCookie } from 'cookie';

const EPOCH = new Date(0);
const EPOCH_TEXT = EPOCH.toUTCString();
const MAX_AGE = '; Max-Age=';
const EXPIRES = '; Expires=';

/**
 * One Set-Cookie header whose attributes never change (name, path, domain, flags), written by
 * `cookie` once and then filled in with a value and a lifetime per response. `cookie` validates
 * and formats every attribute on every call, and with the `Expires` date that was a visible share
 * of a sign-in's CPU in profiles (docs/design/read-path.md). The output is byte for byte what `cookie`
 * writes: the template is checked against it when built, and falls back to `cookie` if not.
 */
export class SetCookieTemplate {
  readonly #attributes: SetCookie;
  readonly #head: string;
  /** Between the Max-Age number and the Expires date, and after the date. */
  readonly #middle: string | undefined;
  readonly #tail: string | undefined;
  /** The session-cookie form: no Max-Age, no Expires. */
  readonly #bare: string;
  #expiresSecond = Number.NaN;
  #expiresText = '';

  /** `attributes.value` is ignored; the value must be cookie-safe already (ids and signatures are). */
  constructor(attributes: SetCookie) {
    this.#attributes = attributes;
    this.#head = `${attributes.name}=`;
    const bare = stringifySetCookie({ ...attributes, value: '' }, { encode: (text) => text });
    this.#bare = bare.slice(this.#head.length);
    const dated = stringifySetCookie(
      { ...attributes, value: '', maxAge: 0, expires: EPOCH },
      { encode: (text) => text },
    );
    // `cookie` writes `name=value; Max-Age=n; <fixed>; Expires=<date>; <fixed>`. Split there,
    // and keep the split only if putting it back together gives the same header.
    const expiresAt = dated.lastIndexOf(EXPIRES);
    const middle = dated.slice(`${this.#head}${MAX_AGE}0`.length, expiresAt);
    const tail = dated.slice(expiresAt + EXPIRES.length + EPOCH_TEXT.length);
    if (`${this.#head}${MAX_AGE}0${middle}${EXPIRES}${EPOCH_TEXT}${tail}` === dated) {
      this.#middle = middle;
      this.#tail = tail;
    }
  }

  /** The header for `value` lasting until `expiresAt` (ms), or for the browser session. */
  render(value: string, lifetime?: { maxAge: number; expiresAt: number }): string {
    if (lifetime === undefined) return `${this.#head}${value}${this.#bare}`;
    if (this.#middle === undefined || this.#tail === undefined) {
      return stringifySetCookie(
        {
          ...this.#attributes,
          value,
          maxAge: lifetime.maxAge,
          expires: new Date(lifetime.expiresAt),
        },
        { encode: (text) => text },
      );
    }
    return `${this.#head}${value}${MAX_AGE}${lifetime.maxAge}${this.#middle}${EXPIRES}${this.#expires(lifetime.expiresAt)}${this.#tail}`;
  }

  /** `Expires` has a resolution of one second: consecutive responses mostly share it. */
  #expires(at: number): string {
    const second = Math.floor(at / 1000);
    if (second !== this.#expiresSecond) {
      this.#expiresSecond = second;
      this.#expiresText = new Date(second * 1000).toUTCString();
    }
    return this.#expiresText;
  }
}
