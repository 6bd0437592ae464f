import { describe, expect, it } from 'vitest';
import { addressPrefix } from '../src/address-prefix.js';
import { clientAddress } from '../src/client-address.js';
import { compileTrustProxy } from '../src/trust-proxy.js';

describe('addressPrefix', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['10.1.2.3', '10.1.2.0/24'],
    ['::ffff:198.51.100.9', '198.51.100.0/24'],
    ['::ffff:c633:6409', '198.51.100.0/24'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::/48'],
    ['2001:0DB8:0000:0001:0000:0000:0000:0001', '2001:db8::/48'],
    ['2001:db8::1', '2001:db8::/48'],
    ['fe80::1%eth0', 'fe80::/48'],
    ['[2001:db8:1:2::3]', '2001:db8:1::/48'],
    ['::1', '::/48'],
    ['1:2:3:4:5:6:7:8', '1:2:3::/48'],
  ])('%s → %s', (address, prefix) => {
    expect(addressPrefix(address)).toBe(prefix);
  });

  it.each(['', 'unknown', '256.1.1.1', '1.2.3', 'example.com', '1.2.3.4:80', '1::2::3', '::g'])(
    'no prefix for %j',
    (address) => {
      expect(addressPrefix(address)).toBeUndefined();
    },
  );
});

describe('clientAddress', () => {
  const facts = {
    remoteAddress: '10.0.0.2',
    forwardedFor: '198.51.100.1, 203.0.113.9, 10.0.0.1',
  };

  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(facts, compileTrustProxy(false))).toBe('10.0.0.2');
  });

  it('walks X-Forwarded-For from the right, one entry per trusted hop', () => {
    expect(clientAddress(facts, compileTrustProxy(1))).toBe('10.0.0.1');
    expect(clientAddress(facts, compileTrustProxy(2))).toBe('203.0.113.9');
    expect(clientAddress(facts, compileTrustProxy(10))).toBe('198.51.100.1');
    const internal = compileTrustProxy((address) => address.startsWith('10.'));
    expect(clientAddress(facts, internal)).toBe('203.0.113.9');
  });

  it('with every proxy trusted, is the leftmost entry', () => {
    expect(clientAddress(facts, compileTrustProxy(true))).toBe('198.51.100.1');
    expect(clientAddress({ remoteAddress: '::1' }, compileTrustProxy(true))).toBe('::1');
  });

  it('is unknown without the peer', () => {
    expect(clientAddress({ forwardedFor: '1.2.3.4' }, compileTrustProxy(true))).toBeUndefined();
  });
});
