import { SessError } from './errors.js';
import { checkOptionKeys, optionNames } from './option-keys.js';
import type { IncomingCookie, SessionCookie } from './session-cookie.js';
import type { HttpRequestFacts } from './trust-proxy.js';

/**
 * Session tokens: the session travels in a request header instead of the cookie, for clients
 * that keep no cookies (mobile apps, command-line tools, a single-page app on another origin).
 * The token is the cookie's value: the session id, signed with the same `secrets`.
 */
export interface SessionTokenOptions {
  /**
   * The header that carries the token both ways: a client sends its token in it, and a
   * response that gives a new one (a created, signed-in or regenerated session) sends it
   * there; after a sign-out the response sends it empty, which tells the client to drop its
   * token. A client without a token yet sends it empty to ask for one.
   * @default 'X-Session-Token'
   */
  header?: string;
  /** Also accept the token as `Authorization: Bearer <token>`. @default true */
  bearer?: boolean;
}

export interface ResolvedTokenOptions {
  readonly header: string;
  readonly bearer: boolean;
}

const TOKEN_OPTION_NAMES = optionNames<SessionTokenOptions>({ header: true, bearer: true });

/** A header name as RFC 9110 allows it (a token), not one HTTP gives another meaning. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;
const TAKEN_HEADERS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'cache-control',
  'content-type',
  'content-length',
  'host',
]);

/** The `token` option: undefined when off (the default). */
export function resolveTokenOptions(
  given: boolean | SessionTokenOptions | undefined,
): ResolvedTokenOptions | undefined {
  if (given === undefined || given === false) return undefined;
  const options = given === true ? {} : given;
  if (options === null || typeof options !== 'object') {
    throw new SessError(
      'INVALID_OPTION',
      'token: expected true, false or { header?: string, bearer?: boolean }',
    );
  }
  checkOptionKeys(options, { path: 'token', known: TOKEN_OPTION_NAMES });
  const header = options.header ?? 'X-Session-Token';
  if (typeof header !== 'string' || !HEADER_NAME.test(header)) {
    throw new SessError(
      'INVALID_OPTION',
      "token.header: a header name of 1 to 64 letters, digits and !#$%&'*+-.^_`|~",
    );
  }
  if (TAKEN_HEADERS.has(header.toLowerCase())) {
    throw new SessError(
      'INVALID_OPTION',
      `token.header: "${header}" means something else in HTTP; use a header of its own, e.g. 'X-Session-Token'${header.toLowerCase() === 'authorization' ? ' (`bearer: true` reads `Authorization: Bearer <token>`)' : ''}`,
    );
  }
  const bearer = options.bearer ?? true;
  if (typeof bearer !== 'boolean') {
    throw new SessError('INVALID_OPTION', 'token.bearer: expected a boolean');
  }
  return { header, bearer };
}

/** A request that asked for the token transport without a token: nothing to load or clear. */
const NO_TOKEN: IncomingCookie = Object.freeze({ present: false, id: undefined, stale: false });
/** A token that cannot be one (two different ones, a header list): anonymous, like a forged one. */
const BAD_TOKEN: IncomingCookie = Object.freeze({ present: true, id: undefined, stale: false });

/**
 * `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110). Whatever follows
 * the scheme is the token, so a malformed one is a bad token, not a reason to read the cookie.
 */
const BEARER = /^bearer(?:[ \t]+(.*))?$/i;

/**
 * Reads the token of a request. A request that carries the token header (even empty) or a
 * Bearer credential uses tokens for this whole request: its cookie is not read, and its
 * response carries no Set-Cookie.
 */
export class SessionToken {
  /** The header's name as configured, for responses. */
  readonly header: string;
  /** The header's name as Node's `headers` keys it. */
  readonly headerKey: string;
  readonly #bearer: boolean;

  constructor(options: ResolvedTokenOptions) {
    this.header = options.header;
    this.headerKey = options.header.toLowerCase();
    this.#bearer = options.bearer;
  }

  /**
   * The token this request carries, checked (signature, shape) as a cookie value is, with no
   * Redis call; undefined when the request does not use tokens.
   */
  read(facts: HttpRequestFacts, values: SessionCookie): IncomingCookie | undefined {
    const named = facts.token?.trim();
    const bearer = this.#bearer ? bearerOf(facts.authorization) : undefined;
    if (named === undefined && bearer === undefined) return undefined;
    // Sent both ways, the two must agree: a client that means one session sends one token.
    if (named !== undefined && bearer !== undefined && named !== bearer) return BAD_TOKEN;
    const value = (named ?? bearer) as string;
    return value === '' ? NO_TOKEN : values.readValue(value);
  }
}

/** The token of an `Authorization: Bearer` header ('' when it has none); undefined for another scheme. */
function bearerOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = BEARER.exec(authorization.trim());
  return match === null ? undefined : (match[1] ?? '').trim();
}
