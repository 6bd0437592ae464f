import { describe, expect, it } from 'vitest';
import { createMemoryPort } from '../src/memory-port.js';
import { createSessionStore } from '../src/session-store.js';

describe('store options', () => {
  const port = createMemoryPort();

  it.each([
    ['port', { port: {} }],
    ['prefix', { port, prefix: 'a b' }],
    ['buckets', { port, buckets: 0 }],
    ['idleTimeout', { port, idleTimeout: -1 }],
    ['operationTimeout', { port, operationTimeout: 1.5 }],
    ['touchInterval', { port, idleTimeout: 1000, touchInterval: 1000 }],
    ['onLimit', { port, onLimit: 'drop' }],
    ['maxSessionsPerPrincipal', { port, maxSessionsPerPrincipal: 0 }],
    ['eventStream.maxLength', { port, eventStream: { maxLength: 0 } }],
    ['eventStream.anonymousCreated', { port, eventStream: { anonymousCreated: 'yes' } }],
    ['serializer', { port, serializer: { parse: JSON.parse } }],
    ['maxAttributes', { port, maxAttributes: 0 }],
    ['maxAttributes', { port, maxAttributes: 100_001 }],
  ])('names the bad option: %s', (name, options) => {
    expect(() => createSessionStore(options as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(name) }),
    );
  });

  it('accepts the defaults', () => {
    const store = createSessionStore({ port });
    expect(store.options).toMatchObject({
      prefix: 'sess',
      buckets: 16,
      operationTimeout: 1000,
      onLimit: 'evict-oldest',
      eventStream: { maxLength: 100_000, anonymousCreated: false },
      maxAttributes: 1_000,
    });
    expect(createSessionStore({ port, maxAttributes: 100_000 }).options.maxAttributes).toBe(
      100_000,
    );
  });

  function messageOf(options: Record<string, unknown>): string {
    try {
      createSessionStore({ port, cleaner: false, ...options } as never);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_OPTION' });
      return (error as Error).message;
    }
    throw new Error('no error');
  }

  it('names a time option with its unit, what was given and its default', () => {
    expect(messageOf({ grace: 1.5 })).toBe(
      'grace: expected a whole number of milliseconds, 1 or more; got 1.5 (default 600000 ms, 10 minutes)',
    );
    expect(messageOf({ maxSessionBytes: '1mb' })).toBe(
      'maxSessionBytes: expected a whole number of bytes, 1 or more; got "1mb" (default 262144 bytes, 256 KiB)',
    );
  });

  it('blames idleTimeout given in seconds, not touchInterval left at its default', () => {
    const message = messageOf({ idleTimeout: 1800 });
    expect(message).toMatch(
      /^idleTimeout: 1800 ms is not longer than touchInterval \(60000 ms, its default\);/,
    );
    expect(message).toContain('Times are in milliseconds (default 1800000 ms, 30 minutes)');
  });

  it('blames touchInterval when it alone was set', () => {
    expect(messageOf({ touchInterval: 1_800_000 })).toMatch(
      /^touchInterval: 1800000 ms is not shorter than idleTimeout \(1800000 ms, its default\);.*\(default 60000 ms, 1 minute\)$/,
    );
  });

  it('with both set, blames the one further from its default and mentions the other', () => {
    expect(messageOf({ idleTimeout: 30_000, touchInterval: 60_000 })).toMatch(
      /^idleTimeout: 30000 ms is not longer than touchInterval \(60000 ms, also set\)/,
    );
    expect(messageOf({ idleTimeout: 3_600_000, touchInterval: 3_600_000 })).toMatch(
      /^touchInterval: 3600000 ms is not shorter than idleTimeout \(3600000 ms, also set\)/,
    );
  });

  it('blames waitForReplicas.timeoutMs or an operationTimeout given in seconds', () => {
    const wait = (timeoutMs: number) => ({ waitForReplicas: { replicas: 1, timeoutMs } });
    expect(messageOf(wait(1_000))).toMatch(
      /^waitForReplicas\.timeoutMs: 1000 ms is not shorter than operationTimeout \(1000 ms, its default\)/,
    );
    expect(messageOf({ operationTimeout: 2, ...wait(10) })).toMatch(
      /^operationTimeout: 2 ms is not longer than waitForReplicas\.timeoutMs \(10 ms, also set\);.*\(default 1000 ms, 1 second\)$/,
    );
    expect(messageOf({ operationTimeout: 2_000, ...wait(5_000) })).toMatch(
      /^waitForReplicas\.timeoutMs: 5000 ms is not shorter than operationTimeout \(2000 ms, also set\)/,
    );
  });
});
