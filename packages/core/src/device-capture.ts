import { addressPrefix } from './address-prefix.js';
import { clientAddress } from './client-address.js';
import { SessError } from './errors.js';
import { checkOptionKeys, optionNames } from './option-keys.js';
import { normalizeDevice, type SessionDevice } from './session-device.js';
import type { HttpRequestFacts, TrustRule } from './trust-proxy.js';

/** What a sign-in records about its device, for a "your devices" page (`listSessions()`). */
export interface SessionDeviceOptions {
  /** The `User-Agent` header, cut to 200 characters. @default true */
  userAgent?: boolean;
  /**
   * The client's network: the /24 of an IPv4 address, the /48 of an IPv6 one, never the full
   * address. The client is found through `trustProxy`, as for `X-Forwarded-Proto`: behind a
   * proxy that is not trusted, every sign-in has the proxy's address.
   * @default true
   */
  address?: boolean;
}

export interface ResolvedDeviceOptions {
  readonly userAgent: boolean;
  readonly address: boolean;
}

const DEVICE_OPTION_NAMES = optionNames<SessionDeviceOptions>({ userAgent: true, address: true });

/** The `devices` option: undefined when off (the default). */
export function resolveDeviceOptions(
  given: boolean | SessionDeviceOptions | undefined,
): ResolvedDeviceOptions | undefined {
  if (given === undefined || given === false) return undefined;
  if (given === true) return { userAgent: true, address: true };
  if (given === null || typeof given !== 'object') {
    throw new SessError(
      'INVALID_OPTION',
      'devices: expected true, false or { userAgent?: boolean, address?: boolean }',
    );
  }
  checkOptionKeys(given, { path: 'devices', known: DEVICE_OPTION_NAMES });
  const resolved = { userAgent: given.userAgent ?? true, address: given.address ?? true };
  for (const flag of ['userAgent', 'address'] as const) {
    if (typeof resolved[flag] !== 'boolean') {
      throw new SessError('INVALID_OPTION', `devices.${flag}: expected a boolean`);
    }
  }
  return resolved.userAgent || resolved.address ? resolved : undefined;
}

/** Reads what a sign-in records about its device from the request's facts. */
export class DeviceCapture {
  readonly #options: ResolvedDeviceOptions;
  readonly #trust: TrustRule;

  constructor(options: ResolvedDeviceOptions, trust: TrustRule) {
    this.#options = options;
    this.#trust = trust;
  }

  capture(facts: HttpRequestFacts): SessionDevice | undefined {
    const userAgent = this.#options.userAgent ? facts.userAgent : undefined;
    const address = this.#options.address ? clientAddress(facts, this.#trust) : undefined;
    const prefix = address === undefined ? undefined : addressPrefix(address);
    return normalizeDevice({
      ...(userAgent === undefined ? {} : { userAgent }),
      ...(prefix === undefined ? {} : { address: prefix }),
    });
  }
}
