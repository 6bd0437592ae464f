import type { CommandCall, RedisReply } from '@sess/core/port';
import { describe, expect, it } from 'vitest';
import { ReadCache } from '../src/read-cache.js';
import type { TrackedConnection } from '../src/tracked-connection.js';
import type { TrackingTopology } from '../src/tracking-topology.js';

// The cache's bookkeeping, on a connection whose tracking the test controls: which reads are
// answered from it, which go to Redis, and which replies may not be kept.

interface Sent {
  readonly call: CommandCall;
  resolve(reply: RedisReply): void;
  reject(error: Error): void;
}

/** A tracked connection that is up until the test says otherwise. */
class FakeTracker {
  up = true;
  generation = 1;
  down(): void {
    this.up = false;
    this.generation += 1;
  }
}

function setup(options: { maxEntries?: number; maxBytes?: number } = {}) {
  const tracker = new FakeTracker();
  const sent: Sent[] = [];
  const topology: TrackingTopology = {
    readsThroughPort: true,
    trackerFor: () => tracker as unknown as TrackedConnection,
    trackers: () => [tracker as unknown as TrackedConnection],
    start: () => {},
    forget: () => {},
    close: () => {},
  };
  const cache = new ReadCache(
    {
      maxEntries: options.maxEntries ?? 100,
      maxBytes: options.maxBytes ?? 1 << 20,
      heartbeat: 1_000,
    },
    { connectTimeout: 1_000, backoff: () => 10, onError: () => {} },
    (call) =>
      new Promise<RedisReply>((resolve, reject) => {
        sent.push({ call, resolve, reject });
      }),
    () => topology,
  );
  const read = (key: string) =>
    cache.send({ command: 'HGETALL', keys: [key], args: [key] }, undefined);
  /** The last call sent, answered. */
  const answer = (reply: RedisReply) => {
    const last = sent.at(-1);
    if (!last) throw new Error('nothing sent');
    last.resolve(reply);
  };
  return { cache, tracker, sent, read, answer };
}

/** Until the event loop has gone through a few turns. */
function turns(n = 3): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : setImmediate(() => step(left - 1)));
    step(n);
  });
}

describe('ReadCache', () => {
  it('keeps a reply read while tracking is up, and answers the next read from it (a copy)', async () => {
    const { cache, sent, read, answer } = setup();
    const first = read('k');
    answer(['f', 'v']);
    const reply = (await first) as string[];
    expect(reply).toEqual(['f', 'v']);
    reply.push('mutated');
    expect(await read('k')).toEqual(['f', 'v']);
    expect(sent).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('answers a hit only a turn later, from what holds then', async () => {
    const { cache, sent, read, answer } = setup();
    const first = read('k');
    answer(['f', 'v1']);
    await first;
    // The request and the invalidation come in the same turn, the request first.
    const second = read('k');
    cache.invalidate(['k']);
    expect(sent).toHaveLength(1);
    await turns(2);
    expect(sent).toHaveLength(2);
    answer(['f', 'v2']);
    expect(await second).toEqual(['f', 'v2']);
  });

  it('does not keep a reply whose key was invalidated while it was on its way', async () => {
    const { cache, sent, read, answer } = setup();
    const first = read('k');
    cache.invalidate(['k']);
    answer(['f', 'old']);
    expect(await first).toEqual(['f', 'old']);
    expect(cache.stats().entries).toBe(0);
    const second = read('k');
    expect(sent).toHaveLength(2);
    answer(['f', 'new']);
    expect(await second).toEqual(['f', 'new']);
  });

  it('does not keep a reply that a write to its key followed or overtook', async () => {
    const { cache, sent, read, answer } = setup();
    // Read first, write second: the read's reply may be older than the write.
    const first = read('k');
    const release = cache.writing([{ command: 'HSET', keys: ['k'], args: ['k', 'f', 'v'] }]);
    answer(['f', 'old']);
    await first;
    expect(cache.stats().entries).toBe(0);
    // Read while the write is on its way: not kept either.
    const second = read('k');
    answer(['f', 'v']);
    await second;
    expect(cache.stats().entries).toBe(0);
    release();
    const third = read('k');
    answer(['f', 'v']);
    await third;
    expect(cache.stats().entries).toBe(1);
    expect(sent).toHaveLength(3);
  });

  it('drops a key when the port sends a write to it', async () => {
    const { cache, read, answer } = setup();
    const first = read('k');
    answer(['f', 'v']);
    await first;
    const release = cache.writing([{ command: 'DEL', keys: ['k'], args: ['k'] }]);
    expect(cache.stats().entries).toBe(0);
    release();
    // Reads are not writes: a batch of HGETALLs drops nothing.
    const again = read('k');
    answer(['f', 'v']);
    await again;
    cache.writing([{ command: 'HGETALL', keys: ['k'], args: ['k'] }])();
    expect(cache.stats().entries).toBe(1);
  });

  it('shares one read among the reads of a key that come while it is on its way', async () => {
    const { cache, sent, read, answer } = setup();
    const first = read('k');
    const others = [read('k'), read('k'), read('k')];
    await turns(2);
    expect(sent).toHaveLength(1);
    answer(['f', 'v']);
    expect(await Promise.all([first, ...others])).toEqual(Array(4).fill(['f', 'v']));
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 1 });
  });

  it('sends every read to Redis, and keeps nothing, while tracking is down', async () => {
    const { cache, tracker, sent, read, answer } = setup();
    const first = read('k');
    answer(['f', 'v']);
    await first;
    // A reply read in the generation before is no longer served.
    tracker.down();
    const second = read('k');
    await turns(2);
    answer(['f', 'v']);
    await second;
    const third = read('k');
    answer(['f', 'v']);
    await third;
    expect(sent).toHaveLength(3);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 3, entries: 0, trackingDown: 1 });
  });

  it('stays within its bounds, dropping the least recently read first', async () => {
    const { cache, read, answer } = setup({ maxEntries: 3 });
    const fill = async (key: string) => {
      const reply = read(key);
      answer(['f', key]);
      await reply;
    };
    for (const key of ['a', 'b', 'c']) await fill(key);
    await read('a'); // a hit: 'a' gets a second chance
    await fill('d');
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 1 });
    const before = cache.stats().hits;
    await read('a');
    expect(cache.stats().hits).toBe(before + 1);
  });
});
