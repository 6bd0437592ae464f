import { addressPrefix } from './address-prefix.js';
import { SessError } from './errors.js';

/**
 * What tells one of a principal's sessions from another on a "your devices" page, recorded
 * with the session at sign-in (the HTTP sessions' `devices` option) and listed by
 * `listSessions()`.
 */
export interface SessionDevice {
  /** The `User-Agent` the sign-in came with, cut to `MAX_USER_AGENT_LENGTH` characters. */
  readonly userAgent?: string;
  /**
   * The network the sign-in came from: the /24 of an IPv4 address (`203.0.113.0/24`), the /48
   * of an IPv6 one (`2001:db8:85a3::/48`). Never the full address.
   */
  readonly address?: string;
}

/**
 * Longer user agents are cut: the part that names the browser and the system comes first, and
 * every session of a signed-in user carries this field.
 */
export const MAX_USER_AGENT_LENGTH = 200;

/**
 * `device` as a session keeps it: the user agent cut short, the address (an IP address, or a
 * prefix this function produced) reduced to its prefix. Throws `INVALID_VALUE` for anything
 * else, so no full address and no arbitrary text is ever stored as one.
 */
export function normalizeDevice(device: SessionDevice): SessionDevice | undefined {
  if (device === null || typeof device !== 'object') {
    throw new SessError('INVALID_VALUE', 'device: expected { userAgent?, address? }');
  }
  const { userAgent, address } = device;
  if (userAgent !== undefined && typeof userAgent !== 'string') {
    throw new SessError('INVALID_VALUE', 'device.userAgent: expected a string');
  }
  let prefix: string | undefined;
  if (address !== undefined) {
    prefix = typeof address === 'string' ? prefixOf(address) : undefined;
    if (prefix === undefined) {
      throw new SessError(
        'INVALID_VALUE',
        'device.address: expected an IPv4 or IPv6 address (it is kept as its /24 or /48)',
      );
    }
  }
  const agent = userAgent?.slice(0, MAX_USER_AGENT_LENGTH);
  const normalized: { userAgent?: string; address?: string } = {};
  if (agent !== undefined && agent !== '') normalized.userAgent = agent;
  if (prefix !== undefined) normalized.address = prefix;
  return normalized.userAgent === undefined && normalized.address === undefined
    ? undefined
    : normalized;
}

/** An address's prefix; a prefix `addressPrefix` made (a stored one, carried on) is its own. */
function prefixOf(address: string): string | undefined {
  const slash = address.lastIndexOf('/');
  if (slash === -1) return addressPrefix(address);
  const prefix = addressPrefix(address.slice(0, slash));
  return prefix === address ? prefix : undefined;
}
