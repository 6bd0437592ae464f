/** An error reply (`-ERR ...`). A value in a pipeline's results, a rejection for a single call. */
export class RespError extends Error {
  override readonly name = 'RespError';
}

/** A RESP2 value as the testkit reads it: bulk and simple strings decode as UTF-8. */
export type RespValue = string | number | null | RespError | RespValue[];

const CRLF = Buffer.from('\r\n');

/**
 * Incremental RESP2 parser: feed it the chunks a socket delivers, get the complete values.
 * A value split across chunks waits for the rest.
 */
export class RespReader {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RespValue[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const values: RespValue[] = [];
    let offset = 0;
    for (;;) {
      const parsed = parseValue(this.#buffer, offset);
      if (!parsed) break;
      values.push(parsed.value);
      offset = parsed.next;
    }
    this.#buffer = this.#buffer.subarray(offset);
    return values;
  }
}

interface Parsed {
  readonly value: RespValue;
  readonly next: number;
}

function parseValue(buffer: Buffer, offset: number): Parsed | undefined {
  if (offset >= buffer.length) return undefined;
  const lineEnd = buffer.indexOf(CRLF, offset);
  if (lineEnd < 0) return undefined;
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (buffer[offset]) {
    case 0x2b: // +
      return { value: line, next: afterLine };
    case 0x2d: // -
      return { value: new RespError(line), next: afterLine };
    case 0x3a: // :
      return { value: Number(line), next: afterLine };
    case 0x24: {
      // $
      const length = Number(line);
      if (length < 0) return { value: null, next: afterLine };
      const end = afterLine + length;
      if (buffer.length < end + 2) return undefined;
      return { value: buffer.toString('utf8', afterLine, end), next: end + 2 };
    }
    case 0x2a: {
      // *
      const count = Number(line);
      if (count < 0) return { value: null, next: afterLine };
      const items: RespValue[] = [];
      let next = afterLine;
      for (let i = 0; i < count; i++) {
        const item = parseValue(buffer, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`RESP protocol error: unexpected type byte ${buffer[offset]}`);
  }
}

/** One command in RESP2 wire format. */
export function encodeCommand(args: readonly (string | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(String(arg), 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}
