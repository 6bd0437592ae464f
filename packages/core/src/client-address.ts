import { type HttpRequestFacts, listOf, type TrustRule } from './trust-proxy.js';

/**
 * The address of the client, as far as the `trustProxy` rule lets us see: the peer that
 * connected, or, through each trusted proxy, the address it appended to `X-Forwarded-For`
 * (read from the right). The first hop that is not trusted is the client; an entry further
 * left could be anything the client wrote. Undefined when the peer's address is unknown.
 */
export function clientAddress(facts: HttpRequestFacts, rule: TrustRule): string | undefined {
  const peer = facts.remoteAddress;
  if (peer === undefined) return undefined;
  const hops = [peer, ...listOf(facts.forwardedFor).reverse()];
  if (rule.all) return hops[hops.length - 1];
  let hop = 0;
  while (hop < hops.length - 1 && rule.trusts(hops[hop] as string, hop)) hop++;
  return hops[hop];
}
