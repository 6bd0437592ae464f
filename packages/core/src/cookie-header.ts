/**
 * The value of cookie `name` in a Cookie header: the first pair with that name, spaces and
 * tabs around name and value trimmed, nothing decoded. That is what `parseCookie` of the
 * `cookie` package gives for `name` with an identity decoder, without building an object of
 * every cookie the header holds. Browsers send all of a site's cookies (analytics, consent,
 * preferences) on every request, and a read needs only one.
 */
export function findCookieValue(header: string, name: string): string | undefined {
  const length = header.length;
  let start = 0;
  let equals = -1;
  while (start < length) {
    // Looked for again only once passed, so a header of many pairs with no `=` and one at the
    // end is scanned once, not once per pair.
    if (equals < start) equals = header.indexOf('=', start);
    // No `=` left: no pair left.
    if (equals === -1) return undefined;
    let end = header.indexOf(';', start);
    if (end === -1) end = length;
    if (equals < end) {
      const nameStart = skipBlanks(header, start, equals);
      const nameEnd = trimBlanks(header, nameStart, equals);
      if (nameEnd - nameStart === name.length && header.startsWith(name, nameStart)) {
        const valueStart = skipBlanks(header, equals + 1, end);
        return header.slice(valueStart, trimBlanks(header, valueStart, end));
      }
    }
    start = end + 1;
  }
  return undefined;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** The first index in [from, to) that is not a space or tab, else `to`. */
function skipBlanks(text: string, from: number, to: number): number {
  let index = from;
  while (index < to && isBlank(text.charCodeAt(index))) index++;
  return index;
}

/** The end of [from, to) without its trailing spaces and tabs. */
function trimBlanks(text: string, from: number, to: number): number {
  let index = to;
  while (index > from && isBlank(text.charCodeAt(index - 1))) index--;
  return index;
}
