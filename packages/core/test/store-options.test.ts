import { describe, expect, it } from 'vitest';
import { createMemoryPort } from '../src/memory-port.js';
import { SessionStore } from '../src/session-store.js';

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
  ])('names the bad option: %s', (name, options) => {
    expect(() => new SessionStore(options as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(name) }),
    );
  });

  it('accepts the defaults', () => {
    const store = new SessionStore({ port });
    expect(store.options).toMatchObject({
      prefix: 'sess',
      buckets: 16,
      operationTimeout: 1000,
      onLimit: 'evict-oldest',
      eventStream: { maxLength: 100_000, anonymousCreated: false },
    });
  });
});
