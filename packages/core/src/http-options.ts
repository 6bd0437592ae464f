import { checkSecrets } from './cookie-secrets.js';
import {
  type ResolvedDeviceOptions,
  resolveDeviceOptions,
  type SessionDeviceOptions,
} from './device-capture.js';
import { SessError } from './errors.js';
import {
  COOKIE_OPTIONS_INSTEAD,
  HTTP_OPTION_NAMES,
  HTTP_OPTIONS_INSTEAD,
} from './foreign-option-names.js';
import { checkOptionKeys, optionNames } from './option-keys.js';
import type { PrincipalMapping } from './principal-mapping.js';
import type { SessionImporter } from './session-importer.js';
import type { SessionStore } from './session-store.js';
import {
  type ResolvedTokenOptions,
  resolveTokenOptions,
  type SessionTokenOptions,
} from './session-token.js';
import type { TrustProxy } from './trust-proxy.js';

export interface SessionCookieOptions {
  /**
   * The cookie's name. On requests where the `__Host-` prefix applies it is prepended.
   * @default 'sess'
   */
  name?: string;
  /** @default '/' */
  path?: string;
  /**
   * Sends the cookie to this domain and its subdomains. Leave it unset unless subdomains must
   * share the session: without it the cookie can use the `__Host-` prefix.
   * @default undefined (this host only)
   */
  domain?: string;
  /** @default 'lax' */
  sameSite?: 'lax' | 'strict' | 'none';
  /** @default true */
  httpOnly?: boolean;
  /**
   * `'auto'`: `Secure` when the request is secure (TLS, or a trusted proxy says HTTPS).
   * @default 'auto'
   */
  secure?: 'auto' | boolean;
  /**
   * `true`: the cookie carries `Max-Age`/`Expires` following the session's expiry, and is sent
   * again when the expiry is extended. `false`: a browser-session cookie, gone when the browser closes.
   * @default true
   */
  persistent?: boolean;
  /**
   * Use the `__Host-` prefix when its rules allow (a `Secure` cookie, no `domain`, path `/`):
   * the browser then refuses the cookie from subdomains and insecure origins.
   * @default true
   */
  hostPrefix?: boolean;
}

export interface HttpSessionOptions {
  /** Where sessions live. */
  store: SessionStore;
  /**
   * Secrets that sign the cookie with HMAC-SHA256: the first signs, all verify (add the new
   * secret first to rotate, drop the old one once its cookies have expired). Use at least 32
   * random characters each.
   * @default undefined (the cookie holds the bare 256-bit id, unsigned)
   */
  secrets?: string | readonly string[];
  /**
   * The session cookie.
   * @default {} (every field at its default)
   */
  cookie?: SessionCookieOptions;
  /**
   * Which proxies may say the client used HTTPS (`X-Forwarded-Proto`), which decides `Secure`
   * and the `__Host-` prefix.
   * @default false
   */
  trustProxy?: TrustProxy;
  /**
   * Send `Cache-Control: no-store` with every response that sets or clears the cookie, so no
   * shared cache stores a response that carries someone's session.
   * @default true
   */
  cacheControl?: boolean;
  /**
   * What a request does when Redis does not answer in time: `'fail'` throws a `SessError`
   * (`UNAVAILABLE`, status 503) into the framework's error handling; `'anonymous'` goes on with
   * no session, and neither sets nor clears the cookie.
   * @default 'fail'
   */
  onUnavailable?: 'fail' | 'anonymous';
  /**
   * Session tokens for clients without cookies (mobile apps, API clients, a single-page app on
   * another origin): the signed id in a request header (`X-Session-Token`, or `Authorization:
   * Bearer`) instead of the cookie, and a new one in the response header when the id changes.
   * A request that uses a token gets no Set-Cookie; other requests keep the cookie, so one
   * app serves both. `true` takes the defaults.
   * @default false
   */
  token?: boolean | SessionTokenOptions;
  /**
   * Record at each sign-in what lets a user tell their sessions apart on a "your devices"
   * page: the user agent and the client's network (/24 or /48, found through `trustProxy`).
   * `listSessions()` returns them. `true` records both.
   * @default false
   */
  devices?: boolean | SessionDeviceOptions;
  /**
   * Who is signed in, read from the session's data: for logins that write the data themselves
   * (Passport: `passportPrincipal()`). A change is a sess sign-in (or sign-out) at the commit,
   * so `listSessions`, `revokeEverywhere` and `maxSessionsPerPrincipal` see those users (see
   * `PrincipalMapping`).
   * @default undefined (principals come from `signIn` only)
   */
  principalFrom?: PrincipalMapping;
  /**
   * Lazy migration from another session library: a request with no sess cookie but the old
   * library's valid cookie gets its old session imported once (see `SessionImporter`;
   * `@sess/migrate` has the importers). Remove it once the old sessions have expired.
   * @default [] (none)
   */
  migrateFrom?: SessionImporter | readonly SessionImporter[];
}

export interface ResolvedCookieOptions {
  readonly name: string;
  readonly path: string;
  readonly domain: string | undefined;
  readonly sameSite: 'lax' | 'strict' | 'none';
  readonly httpOnly: boolean;
  readonly secure: 'auto' | boolean;
  readonly persistent: boolean;
  readonly hostPrefix: boolean;
}

export interface ResolvedHttpOptions {
  readonly store: SessionStore;
  readonly secrets: readonly string[];
  readonly cookie: ResolvedCookieOptions;
  readonly trustProxy: TrustProxy;
  readonly cacheControl: boolean;
  readonly onUnavailable: 'fail' | 'anonymous';
  /** Undefined when tokens are off. */
  readonly token: ResolvedTokenOptions | undefined;
  /** Undefined when no device facts are recorded. */
  readonly devices: ResolvedDeviceOptions | undefined;
  readonly principalFrom: PrincipalMapping | undefined;
  readonly migrateFrom: readonly SessionImporter[];
}

const COOKIE_OPTION_NAMES = optionNames<SessionCookieOptions>({
  name: true,
  path: true,
  domain: true,
  sameSite: true,
  httpOnly: true,
  secure: true,
  persistent: true,
  hostPrefix: true,
});

export function resolveHttpOptions(options: HttpSessionOptions): ResolvedHttpOptions {
  if (options === null || typeof options !== 'object') {
    throw new SessError('INVALID_OPTION', 'options: expected an object with at least `store`');
  }
  checkOptionKeys(options, { known: HTTP_OPTION_NAMES, instead: HTTP_OPTIONS_INSTEAD });
  const store = checkStore(options.store);
  const secrets =
    options.secrets === undefined
      ? []
      : typeof options.secrets === 'string'
        ? [options.secrets]
        : options.secrets;
  if (options.secrets !== undefined) checkSecrets(secrets);
  const given = options.cookie ?? {};
  if (given === null || typeof given !== 'object') {
    throw new SessError('INVALID_OPTION', 'cookie: expected an object');
  }
  checkOptionKeys(given, {
    path: 'cookie',
    known: COOKIE_OPTION_NAMES,
    instead: COOKIE_OPTIONS_INSTEAD,
  });
  const cookie: ResolvedCookieOptions = {
    name: given.name ?? 'sess',
    path: given.path ?? '/',
    domain: given.domain,
    sameSite: given.sameSite ?? 'lax',
    httpOnly: given.httpOnly ?? true,
    secure: given.secure ?? 'auto',
    persistent: given.persistent ?? true,
    hostPrefix: given.hostPrefix ?? true,
  };
  if (typeof cookie.name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/.test(cookie.name)) {
    throw new SessError(
      'INVALID_OPTION',
      'cookie.name: 1 to 64 characters allowed in a cookie name',
    );
  }
  if (/^__(host|secure)-/i.test(cookie.name)) {
    throw new SessError(
      'INVALID_OPTION',
      'cookie.name: leave out the __Host-/__Secure- prefix, `cookie.hostPrefix` adds it when it applies',
    );
  }
  if (typeof cookie.path !== 'string' || !/^\/[\x20-\x3a\x3c-\x7e]*$/.test(cookie.path)) {
    throw new SessError('INVALID_OPTION', "cookie.path: a path starting with '/'");
  }
  if (
    cookie.domain !== undefined &&
    (typeof cookie.domain !== 'string' ||
      !/^\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(
        cookie.domain,
      ))
  ) {
    throw new SessError('INVALID_OPTION', 'cookie.domain: a domain name');
  }
  if (!['lax', 'strict', 'none'].includes(cookie.sameSite)) {
    throw new SessError('INVALID_OPTION', "cookie.sameSite: 'lax', 'strict' or 'none'");
  }
  if (cookie.secure !== 'auto' && typeof cookie.secure !== 'boolean') {
    throw new SessError('INVALID_OPTION', "cookie.secure: 'auto', true or false");
  }
  if (cookie.sameSite === 'none' && cookie.secure === false) {
    throw new SessError('INVALID_OPTION', "cookie.sameSite: 'none' needs a Secure cookie");
  }
  for (const flag of ['httpOnly', 'persistent', 'hostPrefix'] as const) {
    if (typeof cookie[flag] !== 'boolean') {
      throw new SessError('INVALID_OPTION', `cookie.${flag}: expected a boolean`);
    }
  }
  const cacheControl = options.cacheControl ?? true;
  if (typeof cacheControl !== 'boolean') {
    throw new SessError('INVALID_OPTION', 'cacheControl: expected a boolean');
  }
  const onUnavailable = options.onUnavailable ?? 'fail';
  if (onUnavailable !== 'fail' && onUnavailable !== 'anonymous') {
    throw new SessError('INVALID_OPTION', "onUnavailable: 'fail' or 'anonymous'");
  }
  if (options.principalFrom !== undefined && typeof options.principalFrom !== 'function') {
    throw new SessError(
      'INVALID_OPTION',
      'principalFrom: expected a function from the session to its principal, e.g. `passportPrincipal()`',
    );
  }
  return {
    store,
    secrets: [...secrets],
    cookie,
    trustProxy: options.trustProxy ?? false,
    cacheControl,
    onUnavailable,
    token: resolveTokenOptions(options.token),
    devices: resolveDeviceOptions(options.devices),
    principalFrom: options.principalFrom,
    migrateFrom: checkImporters(options.migrateFrom, cookie.name),
  };
}

function checkImporters(
  given: HttpSessionOptions['migrateFrom'],
  cookieName: string,
): readonly SessionImporter[] {
  if (given === undefined) return [];
  const list: readonly unknown[] = Array.isArray(given) ? given : [given];
  list.forEach((importer, index) => {
    const candidate = importer as Partial<Record<keyof SessionImporter, unknown>> | null;
    const valid =
      candidate !== null &&
      typeof candidate === 'object' &&
      typeof candidate.source === 'string' &&
      Array.isArray(candidate.cookieNames) &&
      typeof candidate.oldSessionId === 'function' &&
      typeof candidate.read === 'function' &&
      typeof candidate.clearCookies === 'function';
    if (!valid) {
      throw new SessError(
        'INVALID_OPTION',
        `migrateFrom${Array.isArray(given) ? `[${index}]` : ''}: expected a SessionImporter (\`fromExpressSession({ secret })\` of @sess/migrate, or an object with source, cookieNames, oldSessionId, read and clearCookies)`,
      );
    }
    const names = (importer as SessionImporter).cookieNames;
    if (names.includes(cookieName) || names.includes(`__Host-${cookieName}`)) {
      throw new SessError(
        'INVALID_OPTION',
        `cookie.name: '${cookieName}' is a cookie migrateFrom reads and clears (${(importer as SessionImporter).source}); give sess' cookie another name, such as the default 'sess'`,
      );
    }
  });
  return list as readonly SessionImporter[];
}

/**
 * `store` as a `SessionStore`. A store of express-session or koa-session (connect-redis, ...)
 * has `get`/`set`/`destroy` instead, and is named as such: it cannot hold sess sessions.
 */
function checkStore(store: unknown): SessionStore {
  const candidate = store as Partial<Record<'load' | 'commit' | 'new' | 'get' | 'set', unknown>>;
  if (
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.load === 'function' &&
    typeof candidate.commit === 'function' &&
    typeof candidate.new === 'function'
  ) {
    return store as SessionStore;
  }
  const foreign =
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.get === 'function' &&
    typeof candidate.set === 'function';
  throw new SessError(
    'INVALID_OPTION',
    foreign
      ? 'store: this looks like an express-session or koa-session store (connect-redis, ...), which cannot hold sess sessions; use `createSessionStore({ port })`, with `port: await createNodeRedisPort({ client })` from @sess/node-redis'
      : 'store: expected a SessionStore, from `createSessionStore({ port })`',
  );
}
