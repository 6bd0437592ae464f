import { SessError } from './errors.js';

/**
 * Which peers may tell the protocol the client used (`X-Forwarded-Proto`):
 * - `false`: none; only a TLS connection to this process is secure.
 * - `true`: every peer (only behind a proxy that overwrites the header).
 * - a number `n`: the `n` closest hops (1 = the peer that connected to us).
 * - a function: asked for each hop, from the peer outwards, with its address and hop number (0 first).
 */
export type TrustProxy = boolean | number | ((address: string, hop: number) => boolean);

/** The facts of a request the session depends on. */
export interface HttpRequestFacts {
  /** The `Cookie` header. */
  readonly cookie?: string | undefined;
  /** The header named by the `token` option (`X-Session-Token` by default), when tokens are on. */
  readonly token?: string | undefined;
  /** The `Authorization` header, when tokens are on (`Authorization: Bearer <token>`). */
  readonly authorization?: string | undefined;
  /** The `User-Agent` header, recorded at sign-in when the `devices` option is on. */
  readonly userAgent?: string | undefined;
  /** The connection to this process is TLS. */
  readonly secure?: boolean | undefined;
  /**
   * The address of the peer that connected to this process: needed for a forwarded protocol,
   * and for the address a sign-in records when the `devices` option is on.
   */
  readonly remoteAddress?: string | undefined;
  /** `X-Forwarded-Proto` as received. */
  readonly forwardedProto?: string | readonly string[] | undefined;
  /** `X-Forwarded-For` as received; lets a function or number rule look past the first hop. */
  readonly forwardedFor?: string | readonly string[] | undefined;
}

/** A request as Node's `http`, `https` and `http2` compatibility APIs give it. */
export interface NodeRequestLike {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket?: { readonly remoteAddress?: string | undefined; readonly encrypted?: boolean };
}

/** What `requestFacts` reads besides what every request needs, as the options ask. */
export interface ExtraFacts {
  /** The token header's name, in lower case (Node's `headers` keys); undefined: no tokens. */
  readonly tokenHeader: string | undefined;
  /** The user agent and the peer's address, for the `devices` option. */
  readonly device: boolean;
}

export function requestFacts(request: NodeRequestLike, extra?: ExtraFacts): HttpRequestFacts {
  if (extra !== undefined) return extendedFacts(request, extra);
  const headers = request.headers;
  const cookie = headers.cookie;
  const forwardedProto = headers['x-forwarded-proto'];
  return {
    cookie: Array.isArray(cookie) ? cookie.join('; ') : cookie,
    secure: request.socket?.encrypted === true,
    // Only a forwarded protocol needs the peer's address (`isSecureRequest`), and reading it
    // costs a call into the socket on every request (CPU profiles of reads).
    remoteAddress: forwardedProto === undefined ? undefined : request.socket?.remoteAddress,
    forwardedProto,
    forwardedFor: headers['x-forwarded-for'],
  };
}

/** `requestFacts` with what the token and devices options need, for apps that turned them on. */
function extendedFacts(request: NodeRequestLike, extra: ExtraFacts): HttpRequestFacts {
  const headers = request.headers;
  const forwardedProto = headers['x-forwarded-proto'];
  const tokenHeader = extra.tokenHeader;
  return {
    cookie: oneValue(headers.cookie, '; '),
    token: tokenHeader === undefined ? undefined : oneValue(headers[tokenHeader], ', '),
    authorization: tokenHeader === undefined ? undefined : oneValue(headers.authorization, ', '),
    userAgent: extra.device ? oneValue(headers['user-agent'], ', ') : undefined,
    secure: request.socket?.encrypted === true,
    remoteAddress:
      forwardedProto === undefined && !extra.device ? undefined : request.socket?.remoteAddress,
    forwardedProto,
    forwardedFor: headers['x-forwarded-for'],
  };
}

function oneValue(value: string | string[] | undefined, separator: string): string | undefined {
  return Array.isArray(value) ? value.join(separator) : value;
}

export type TrustRule = {
  readonly all: boolean;
  readonly trusts: (a: string, hop: number) => boolean;
};

export function compileTrustProxy(rule: TrustProxy | undefined): TrustRule {
  if (rule === undefined || rule === false) return { all: false, trusts: () => false };
  if (rule === true) return { all: true, trusts: () => true };
  if (typeof rule === 'number') {
    if (!Number.isInteger(rule) || rule < 0) {
      throw new SessError(
        'INVALID_OPTION',
        'trustProxy: expected a boolean, a hop count >= 0 or a function',
      );
    }
    return { all: false, trusts: (_address, hop) => hop < rule };
  }
  if (typeof rule === 'function') return { all: false, trusts: rule };
  throw new SessError(
    'INVALID_OPTION',
    'trustProxy: expected a boolean, a hop count >= 0 or a function',
  );
}

/**
 * Whether the client reached us over HTTPS: a TLS connection, or the word of trusted proxies.
 * Proxies append to the forwarding headers, so the entries are read from the right, one per
 * trusted hop; the outermost trusted proxy's entry is the protocol the client used.
 */
export function isSecureRequest(facts: HttpRequestFacts, rule: TrustRule): boolean {
  if (facts.secure === true) return true;
  // Most requests: no proxy said anything (and no list to make of it).
  if (facts.forwardedProto === undefined) return false;
  const protocols = listOf(facts.forwardedProto);
  if (protocols.length === 0) return false;
  let trusted = 0;
  if (rule.all) {
    trusted = Number.POSITIVE_INFINITY;
  } else {
    const hops = [facts.remoteAddress ?? '', ...listOf(facts.forwardedFor).reverse()];
    while (trusted < hops.length && rule.trusts(hops[trusted]!, trusted)) trusted++;
  }
  if (trusted === 0) return false;
  const protocol = protocols[Math.max(0, protocols.length - trusted)];
  return protocol?.toLowerCase() === 'https';
}

/** The entries of a comma-separated list header (`X-Forwarded-For`...), in order. */
export function listOf(header: string | readonly string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = typeof header === 'string' ? header : header.join(',');
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}
