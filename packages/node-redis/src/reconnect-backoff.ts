/**
 * node-redis' `socket.reconnectStrategy`: exponential from `minDelay`, capped at `maxDelay`,
 * with full jitter so a fleet of instances does not reconnect in lockstep after an outage.
 * It always answers a delay: returning `false` or an `Error` would make node-redis close the
 * client for good, and a session store must come back whenever Redis does.
 */
export function reconnectBackoff(
  minDelay: number,
  maxDelay: number,
  random: () => number = Math.random,
): (retries: number) => number {
  return (retries) => {
    const ceiling = Math.min(maxDelay, minDelay * 2 ** Math.max(0, retries));
    return Math.round(minDelay + random() * (ceiling - minDelay));
  };
}
