import { isSessError } from '@sess/core';
import { ErrorReply } from 'redis';
import { describe, expect, it } from 'vitest';
import { redirectOf } from '../src/cluster-redirect.js';
import { toPortError } from '../src/port-errors.js';

// How the port reads Cluster redirects, and what a failed call says: Redis' own words
// whenever Redis answered, "did not answer" only when nothing came back.

describe('redirectOf', () => {
  it('reads MOVED and ASK with the address Redis announced', () => {
    expect(redirectOf(new ErrorReply('ASK 3999 127.0.0.1:7107'), 'h')).toEqual({
      kind: 'ASK',
      slot: 3999,
      address: '127.0.0.1:7107',
      host: '127.0.0.1',
      port: 7107,
      reply: 'ASK 3999 127.0.0.1:7107',
    });
    expect(redirectOf(new ErrorReply('MOVED 1 ::1:7000'), 'h')).toMatchObject({
      kind: 'MOVED',
      host: '::1',
      port: 7000,
    });
  });

  it('takes the host the reply came from when Redis announces none', () => {
    expect(redirectOf(new ErrorReply('MOVED 12 :6381'), 'node-2')).toMatchObject({
      address: 'node-2:6381',
      host: 'node-2',
      port: 6381,
    });
  });

  it('is undefined for anything else, also a plain Error worded like a redirect', () => {
    expect(redirectOf(new ErrorReply('WRONGTYPE Operation against a key'), 'h')).toBeUndefined();
    expect(redirectOf(new Error('ASK 1 127.0.0.1:7000'), 'h')).toBeUndefined();
    expect(redirectOf('ASK 1 127.0.0.1:7000', 'h')).toBeUndefined();
  });
});

describe('toPortError', () => {
  it('keeps an error reply as Redis worded it', () => {
    const reply = new ErrorReply(
      'WRONGTYPE Operation against a key holding the wrong kind of value',
    );
    expect(toPortError(reply, undefined)).toBe(reply);
  });

  it('turns a "not now" reply into UNAVAILABLE that quotes it', () => {
    const error = toPortError(
      new ErrorReply('TRYAGAIN Multiple keys request during rehashing of slot'),
      undefined,
    );
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    expect(error.message).toBe(
      'Redis cannot serve the call now: TRYAGAIN Multiple keys request during rehashing of slot',
    );
  });

  it('names the reply behind an error node-redis raised over one (too many redirects)', () => {
    const raised = new Error('Too many Cluster redirections', {
      cause: new ErrorReply('MOVED 3999 127.0.0.1:7001'),
    });
    const error = toPortError(raised, undefined);
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    expect(error.message).toBe(
      'Redis cannot serve the call now: Too many Cluster redirections (Redis answered: MOVED 3999 127.0.0.1:7001)',
    );
    expect(error.message).not.toMatch(/did not answer/);
  });

  it('says "did not answer" only when nothing came back', () => {
    const error = toPortError(new Error('Socket closed unexpectedly'), undefined);
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    expect(error.message).toBe('Redis did not answer: Socket closed unexpectedly');
  });
});
