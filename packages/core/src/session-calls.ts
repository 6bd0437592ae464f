import type { CommandCall, RedisReply, ScriptCall } from './redis-port.js';
import { pairsToMap } from './session-record.js';
import { saveScript } from './session-scripts.js';

// The calls a store sends for one session, and how it reads their replies.

/** How a move script's reply reads: moved now (or by an earlier try of this move), elsewhere, or gone. */
export function moveState(reply: RedisReply, newId: string): 'moved' | 'moved-elsewhere' | 'gone' {
  if (!Array.isArray(reply) || reply.length === 0) return 'gone';
  if (reply.length === 2 && reply[0] === '#m')
    return reply[1] === newId ? 'moved' : 'moved-elsewhere';
  return 'moved';
}

export function saveCall(
  key: string,
  now: number,
  pexpireat: number,
  fields: readonly string[],
  removed: readonly string[],
): ScriptCall {
  return {
    script: saveScript,
    keys: [key],
    args: [now, pexpireat, fields.length / 2, ...fields, ...removed],
  };
}

export function collectAcks(replies: ReadonlyArray<RedisReply | Error>, acks: number[]): void {
  for (const reply of replies) acks.push(reply instanceof Error ? 0 : Number(reply));
}

export function hgetall(key: string): CommandCall {
  return { command: 'HGETALL', keys: [key], args: [key] };
}

export function zadd(key: string, score: number, member: string, flag?: 'XX'): CommandCall {
  return {
    command: 'ZADD',
    keys: [key],
    args: flag ? [key, flag, score, member] : [key, score, member],
  };
}

/** A reply element as a string: ports return strings, so `String()` is seldom needed. */
export function text(element: RedisReply | undefined): string {
  return typeof element === 'string' ? element : String(element);
}

export function toFieldMap(reply: RedisReply | Error | undefined): Map<string, string> {
  return Array.isArray(reply) ? pairsToMap(reply.map(text)) : new Map();
}

/** A `WRONGTYPE` error reply, as the port gives it or wrapped by the core. */
export function isWrongType(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/^WRONGTYPE\b/.test(e.message) || / WRONGTYPE /.test(e.message)) return true;
  }
  return false;
}
