import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot, type RedisServer, SLOT_COUNT, startRedis } from '../src/index.js';
import { RespConnection } from '../src/resp-connection.js';

describe('keySlot', () => {
  it('gives the published slots', () => {
    // Redis Cluster specification: CRC16("123456789") = 0x31C3.
    expect(keySlot('123456789')).toBe(0x31c3);
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
    expect(keySlot('hello')).toBe(866);
    expect(keySlot('')).toBe(0);
  });

  it('hashes only the hash tag when there is one', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    // An empty first tag means no tag: the whole key is hashed.
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('{}')).toBe(keySlot('{}'));
    expect(keySlot('no{close')).toBe(keySlot('no{close'));
    expect(keySlot('sess:s:{abc}')).toBe(keySlot('abc'));
  });

  it('hashes the UTF-8 bytes', () => {
    expect(keySlot('é')).toBe(keySlot(Buffer.from('é', 'utf8')));
    expect(keySlot('é')).not.toBe(keySlot(Buffer.from('é', 'latin1')));
  });

  it('is always a slot', () => {
    for (let i = 0; i < 1_000; i++) {
      const slot = keySlot(randomBytes(8).toString('base64url'));
      expect(slot >= 0 && slot < SLOT_COUNT).toBe(true);
    }
  });
});

// A cluster-enabled node answers CLUSTER KEYSLOT without any slots assigned.
describe('keySlot agrees with CLUSTER KEYSLOT', () => {
  let server: RedisServer;
  let redis: RespConnection;
  beforeAll(async () => {
    server = await startRedis({ env: false, args: ['--cluster-enabled', 'yes'] });
    redis = await RespConnection.open({ host: server.host, port: server.port });
  });
  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  it('on tagged, untagged, empty-tag and non-ASCII keys', async () => {
    const keys = [
      'foo',
      '123456789',
      '{user1000}.following',
      'foo{}{bar}',
      'foo{{bar}}zap',
      'sess:x:{7}',
      'héllo wörld ✓',
      ...Array.from({ length: 300 }, (_, i) => {
        const random = randomBytes(12).toString('base64url');
        return i % 3 === 0 ? `sess:s:{${random}}` : i % 3 === 1 ? random : `${random}{}`;
      }),
    ];
    const replies = await redis.pipeline(keys.map((key) => ['CLUSTER', 'KEYSLOT', key]));
    expect(keys.map((key) => keySlot(key))).toEqual(replies);
  });
});
