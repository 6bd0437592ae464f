/**
 * The raw value of cookie `name` in a Cookie header: the first pair with that name, spaces
 * around it trimmed, nothing decoded. Undefined when there is none.
 */
export function rawCookieValue(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    if (pair.slice(0, equals).trim() !== name) continue;
    return pair.slice(equals + 1).trim();
  }
  return undefined;
}

/** `value` URL-decoded as the `cookie` package decodes it; undefined when it is not valid. */
export function decodedCookieValue(value: string): string | undefined {
  const bare = unquoted(value);
  if (!bare.includes('%')) return bare;
  try {
    return decodeURIComponent(bare);
  } catch {
    return undefined;
  }
}

/** `value` without the double quotes around it, which the `cookie` and `cookies` packages drop. */
export function unquoted(value: string): string {
  return value.length > 1 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}
