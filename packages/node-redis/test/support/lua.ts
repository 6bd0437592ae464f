import { createHash, randomUUID } from 'node:crypto';
import type { LuaScript } from '@sess/core/port';

/** A script as core would define it. `fresh` makes a source no server has cached yet. */
export function luaScript(name: string, source: string, fresh = false): LuaScript {
  const text = fresh ? `-- ${randomUUID()}\n${source}` : source;
  return { name, source: text, sha1: createHash('sha1').update(text).digest('hex') };
}

export function uniqueKey(label: string): string {
  return `test:${label}:${randomUUID()}`;
}
