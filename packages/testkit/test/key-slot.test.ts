import { describe, expect, it } from 'vitest';
import { keySlot } from '../src/index.js';

// The CRC itself is cluster-key-slot's; this checks that keySlot hands it the key's bytes.
describe('keySlot', () => {
  it('gives the slot Redis Cluster gives, for strings, bytes and hash tags', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot(new TextEncoder().encode('foo'))).toBe(12182);
    expect(keySlot(Buffer.from('xxfooxx').subarray(2, 5))).toBe(12182);
    expect(keySlot('sess:s:{foo}')).toBe(12182);
  });
});
