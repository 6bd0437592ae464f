import { describe, expect, it } from 'vitest';
import { compileTrustProxy, isSecureRequest, requestFacts } from '../src/trust-proxy.js';

describe('isSecureRequest', () => {
  const https = { remoteAddress: '10.0.0.1', forwardedProto: 'https' };

  it('a TLS connection is secure whatever the rule', () => {
    expect(isSecureRequest({ secure: true }, compileTrustProxy(false))).toBe(true);
  });

  it('ignores X-Forwarded-Proto unless the peer is trusted', () => {
    expect(isSecureRequest(https, compileTrustProxy(false))).toBe(false);
    expect(isSecureRequest(https, compileTrustProxy(true))).toBe(true);
    expect(isSecureRequest(https, compileTrustProxy(1))).toBe(true);
    expect(isSecureRequest(https, compileTrustProxy(0))).toBe(false);
    expect(
      isSecureRequest(
        https,
        compileTrustProxy((a) => a === '10.0.0.1'),
      ),
    ).toBe(true);
    expect(
      isSecureRequest(
        https,
        compileTrustProxy((a) => a === '10.0.0.2'),
      ),
    ).toBe(false);
  });

  it('reads appended entries from the right, one per trusted hop', () => {
    // The client sent "https" itself; the one trusted proxy appended what it really saw.
    const spoofed = { remoteAddress: '10.0.0.1', forwardedProto: 'https, http' };
    expect(isSecureRequest(spoofed, compileTrustProxy(1))).toBe(false);
    const twoHops = {
      remoteAddress: '10.0.0.1',
      forwardedFor: '203.0.113.9, 10.0.0.2',
      forwardedProto: ['https', 'http'],
    };
    expect(isSecureRequest(twoHops, compileTrustProxy(2))).toBe(true);
    expect(isSecureRequest(twoHops, compileTrustProxy(1))).toBe(false);
    expect(
      isSecureRequest(
        twoHops,
        compileTrustProxy((a) => a.startsWith('10.')),
      ),
    ).toBe(true);
  });

  it('validates the rule', () => {
    expect(() => compileTrustProxy(-1)).toThrow(/trustProxy/);
    expect(() => compileTrustProxy('yes' as never)).toThrow(/trustProxy/);
  });

  it('reads the facts of a Node request', () => {
    const facts = requestFacts({
      headers: { cookie: 'a=1', 'x-forwarded-proto': 'https', 'x-forwarded-for': '1.2.3.4' },
      socket: { remoteAddress: '127.0.0.1' },
    });
    expect(facts).toEqual({
      cookie: 'a=1',
      secure: false,
      remoteAddress: '127.0.0.1',
      forwardedProto: 'https',
      forwardedFor: '1.2.3.4',
    });
  });

  it('leaves the peer address unread when no proxy forwarded a protocol', () => {
    const socket = {
      get remoteAddress(): string {
        throw new Error('read');
      },
    };
    const facts = requestFacts({ headers: { cookie: ['a=1', 'b=2'] }, socket });
    expect(facts).toEqual({
      cookie: 'a=1; b=2',
      secure: false,
      remoteAddress: undefined,
      forwardedProto: undefined,
      forwardedFor: undefined,
    });
  });
});
