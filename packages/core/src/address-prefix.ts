import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network an address belongs to, as a "your devices" page may show it: the /24 of an IPv4
 * address (`203.0.113.0/24`), the /48 of an IPv6 one (`2001:db8:85a3::/48`, the usual size of
 * one site's allocation). Enough to tell home from office, not enough to point at one host.
 * An IPv4 address mapped into IPv6 (`::ffff:203.0.113.7`, as dual-stack sockets report IPv4
 * peers) counts as IPv4. Undefined for anything that is not an IP address.
 */
export function addressPrefix(address: string): string | undefined {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) return ipv4Prefix(text.split('.').map(Number));
  if (!isIPv6(text)) return undefined;
  const groups = ipv6Groups(text);
  if (groups === undefined) return undefined;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const high = groups[6] ?? 0;
    const low = groups[7] ?? 0;
    return ipv4Prefix([high >> 8, high & 0xff, low >> 8]);
  }
  return `${formatIPv6([...groups.slice(0, 3), 0, 0, 0, 0, 0])}/48`;
}

function ipv4Prefix(octets: readonly number[]): string {
  return `${octets[0]}.${octets[1]}.${octets[2]}.0/24`;
}

/** The eight 16-bit groups of an IPv6 address that `isIPv6` accepted (zone removed). */
function ipv6Groups(text: string): number[] | undefined {
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
        groups.push((a << 8) | b, (c << 8) | d);
      } else {
        groups.push(Number.parseInt(piece, 16));
      }
    }
    return groups;
  };
  const first = parse(head);
  if (tail === undefined) return first.length === 8 ? first : undefined;
  const last = parse(tail);
  const missing = 8 - first.length - last.length;
  if (missing < 1) return undefined;
  return [...first, ...Array<number>(missing).fill(0), ...last];
}

/** RFC 5952's text form: lower case, no leading zeros, the longest run of 2+ zero groups as `::`. */
function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  const before = hex.slice(0, bestStart).join(':');
  const after = hex.slice(bestStart + bestLength).join(':');
  return `${before}::${after}`;
}
