import { SessError } from './errors.js';

/** Turns attribute values into the strings stored in the session hash, and back. */
export interface Serializer {
  stringify(value: unknown): string;
  parse(text: string): unknown;
}

/**
 * JSON, refusing the shapes that lead to prototype pollution once an application merges a
 * session value into another object: an own `__proto__` key, or `constructor.prototype`.
 * Refused both ways, so a value planted in Redis by someone else cannot come back in either.
 */
export const jsonSerializer: Serializer = {
  stringify(value) {
    assertSafe(value);
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (cause) {
      throw new SessError('INVALID_VALUE', 'value cannot be serialized as JSON', { cause });
    }
    if (text === undefined) {
      throw new SessError('INVALID_VALUE', `value of type ${typeof value} cannot be stored`);
    }
    return text;
  },
  parse(text) {
    if (isPlainJsonString(text)) return text.slice(1, -1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new SessError('INVALID_VALUE', 'stored value is not valid JSON', { cause });
    }
    assertSafe(value);
    return value;
  },
};

/**
 * A JSON string with nothing to unescape: `"`, then no `"`, `\` or control character, then `"`.
 * Its value is the text between the quotes, as `JSON.parse` would return it. Strings are the
 * commonest attribute values, and most of what `JSON.parse` costs a call is entering the
 * runtime; this loop costs a few instructions per character (docs/design/read-path.md).
 */
function isPlainJsonString(text: string): boolean {
  const last = text.length - 1;
  if (last < 1 || text.charCodeAt(0) !== QUOTE || text.charCodeAt(last) !== QUOTE) return false;
  for (let i = 1; i < last; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === QUOTE || code === BACKSLASH) return false;
  }
  return true;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function assertSafe(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > 100) throw new SessError('INVALID_VALUE', 'value is nested too deeply');
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    if (key === '__proto__') {
      throw new SessError('INVALID_VALUE', 'value holds a "__proto__" key');
    }
    if (
      key === 'constructor' &&
      child !== null &&
      typeof child === 'object' &&
      Object.hasOwn(child, 'prototype')
    ) {
      throw new SessError('INVALID_VALUE', 'value holds a "constructor.prototype" key');
    }
    assertSafe(child, depth + 1);
  }
}
