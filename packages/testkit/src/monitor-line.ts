/** One command as MONITOR reports it. */
export interface MonitorEntry {
  /** Server time, seconds since the epoch with microseconds. */
  readonly time: number;
  readonly db: number;
  /** The client (`127.0.0.1:5555`, `unix:/path`), or `lua` for a command a script ran. */
  readonly client: string;
  /** The command name (as sent, any case) and its arguments. */
  readonly args: readonly string[];
}

const HEAD = /^\+?(\d+(?:\.\d+)?) \[(\d+) (.*?)\](?: |$)/;

/**
 * Parses a MONITOR line: `1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "v"`. Arguments are
 * quoted with backslash escapes (`\"`, `\\`, `\n`, `\r`, `\t`, `\a`, `\b`, `\xHH` for any
 * other byte); they are decoded back to the UTF-8 strings that were sent. Returns undefined
 * for anything else (the `OK` that answers MONITOR itself).
 */
export function parseMonitorLine(line: string): MonitorEntry | undefined {
  const head = HEAD.exec(line);
  if (!head) return undefined;
  const args: string[] = [];
  let i = head[0].length;
  while (i < line.length) {
    if (line[i] === ' ') {
      i++;
      continue;
    }
    if (line[i] !== '"') return undefined;
    const bytes: number[] = [];
    i++;
    for (;;) {
      if (i >= line.length) return undefined;
      const char = line[i] as string;
      if (char === '"') {
        i++;
        break;
      }
      if (char !== '\\') {
        bytes.push(...Buffer.from(char, 'utf8'));
        i++;
        continue;
      }
      const escaped = line[i + 1];
      if (escaped === 'x') {
        const code = Number.parseInt(line.slice(i + 2, i + 4), 16);
        if (Number.isNaN(code)) return undefined;
        bytes.push(code);
        i += 4;
        continue;
      }
      const byte = ESCAPES[escaped ?? ''];
      if (byte === undefined) return undefined;
      bytes.push(byte);
      i += 2;
    }
    args.push(Buffer.from(bytes).toString('utf8'));
  }
  return {
    time: Number(head[1]),
    db: Number(head[2]),
    client: head[3] as string,
    args,
  };
}

const ESCAPES: Record<string, number> = {
  '"': 0x22,
  '\\': 0x5c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  a: 0x07,
  b: 0x08,
};
