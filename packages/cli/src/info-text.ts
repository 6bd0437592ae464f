/** The fields of an `INFO` reply (`name:value` lines; `# Section` headers and blanks skipped). */
export function parseInfo(text: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of String(text ?? '').split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** A numeric INFO field, or undefined when absent or not a number. */
export function infoNumber(info: Map<string, string>, name: string): number | undefined {
  const value = info.get(name);
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** `key=value,key=value` (as in `slave0:ip=...,port=...`) into a map. */
export function parseInfoList(value: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of value.split(',')) {
    const equals = part.indexOf('=');
    if (equals > 0) fields.set(part.slice(0, equals), part.slice(equals + 1));
  }
  return fields;
}
