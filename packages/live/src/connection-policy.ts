import { SessError } from '@sess/core';
import { checkOptionKeys, optionNames } from '@sess/core/internal';

/**
 * Which browser pages may open a live connection with the session cookie: a page of the same
 * host as the request (`'same-host'`), pages of the listed origins (`'https://app.example'`),
 * or any (`'any'`). A request without an `Origin` header does not come from a browser page and
 * is let through: the check is against cross-site WebSocket hijacking, where another site's
 * page opens a connection that the browser sends the user's cookie with.
 */
export type AllowedOrigins = 'same-host' | 'any' | readonly string[];

/** What the upgrade helpers let through, for every library. */
export interface ConnectionPolicyOptions {
  /**
   * A connection without a signed-in session: refused with 401 (`'reject'`), or accepted
   * (`'allow'`). An accepted connection with an anonymous session follows it (and its sign-in);
   * one without any session has nothing to follow and is not tracked.
   * @default 'reject'
   */
  anonymous?: 'reject' | 'allow';
  /**
   * Which pages may open a connection (see `AllowedOrigins`); others get 403.
   * @default 'same-host'
   */
  origins?: AllowedOrigins;
}

/** A refusal: the HTTP status and a sentence for the client. */
export interface Refusal {
  readonly status: 401 | 403;
  readonly message: string;
}

export interface ConnectionPolicy {
  /** Refuses a request from a page the policy does not allow; undefined when allowed. */
  refuseOrigin(headers: RequestHeaders): Refusal | undefined;
  /** Refuses a request whose session the policy does not accept; undefined when accepted. */
  refuseSession(principal: string | undefined): Refusal | undefined;
}

type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

export const CONNECTION_POLICY_OPTION_NAMES = optionNames<ConnectionPolicyOptions>({
  anonymous: true,
  origins: true,
});

const UNAUTHORIZED: Refusal = Object.freeze({ status: 401, message: 'Sign in first.' });
const FORBIDDEN: Refusal = Object.freeze({
  status: 403,
  message: 'Connections from this origin are refused.',
});

/** Checks the policy options (their keys are checked by the helper that takes them). */
export function connectionPolicy(options: ConnectionPolicyOptions): ConnectionPolicy {
  const anonymous = options.anonymous ?? 'reject';
  if (anonymous !== 'reject' && anonymous !== 'allow') {
    throw new SessError('INVALID_OPTION', "anonymous: 'reject' or 'allow'");
  }
  const origins = options.origins ?? 'same-host';
  const allowed = originRule(origins);
  return {
    refuseOrigin: (headers) => (allowed(headers) ? undefined : FORBIDDEN),
    refuseSession: (principal) =>
      principal === undefined && anonymous === 'reject' ? UNAUTHORIZED : undefined,
  };
}

/** `checkOptionKeys` for an options object that holds the policy's options besides `own`. */
export function checkPolicyKeys(options: object, own: readonly string[]): void {
  if (options === null || typeof options !== 'object') {
    throw new SessError('INVALID_OPTION', 'expected an options object');
  }
  checkOptionKeys(options, { known: [...own, ...CONNECTION_POLICY_OPTION_NAMES] });
}

function originRule(origins: AllowedOrigins): (headers: RequestHeaders) => boolean {
  if (origins === 'any') return () => true;
  if (origins === 'same-host') {
    return (headers) => {
      const origin = single(headers.origin);
      if (origin === undefined) return true;
      const host = single(headers.host);
      return host !== undefined && hostOf(origin) === host.toLowerCase();
    };
  }
  if (!Array.isArray(origins) || origins.some((origin) => typeof origin !== 'string')) {
    throw new SessError(
      'INVALID_OPTION',
      "origins: 'same-host', 'any', or a list of origins such as ['https://app.example']",
    );
  }
  const listed = new Set(origins.map((origin) => origin.toLowerCase().replace(/\/$/, '')));
  return (headers) => {
    const origin = single(headers.origin);
    return origin === undefined || listed.has(origin.toLowerCase());
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `host[:port]` of an origin, lower case; undefined for `null` or anything not a URL. */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}
