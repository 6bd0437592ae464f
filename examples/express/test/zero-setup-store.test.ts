import { openSessionStore } from '@sess/example-shared';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The store `npm start` picks with no setup: REDIS_URL first, then a throwaway redis-server
// from PATH (shown by npm-start.test.ts), else memory with a warning.

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis({ audit: true });
});
afterAll(() => redis?.stop());

describe('the examples’ zero-setup store', () => {
  it('uses REDIS_URL when it is set', async () => {
    const opened = await openSessionStore({ REDIS_URL: redis.url });
    try {
      expect(opened.description).toBe(`Redis at ${new URL(redis.url).toString()}`);
      const session = await opened.store.create({ n: 1 });
      expect((await opened.store.load(session.id))?.get('n')).toBe(1);
    } finally {
      await opened.close();
    }
  });

  it('falls back to memory, with a warning, when there is no REDIS_URL and no redis-server', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const opened = await openSessionStore({ PATH: '/nonexistent' });
      try {
        expect(opened.description).toBe('memory (no Redis found)');
        expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^WARNING: .*kept in memory/));
        const session = await opened.store.create({ n: 2 });
        expect((await opened.store.load(session.id))?.get('n')).toBe(2);
      } finally {
        await opened.close();
      }
    } finally {
      warn.mockRestore();
    }
  });
});
