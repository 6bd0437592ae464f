import type { SessError } from '@sess/core';
import { connectFailureKind } from './connect-failure.js';
import { asError, gaveUp } from './connect-within.js';
import type { NodeRedisSentinel } from './node-redis-client.js';
import { passwordCheck } from './password-check.js';
import { COMMAND_OPTIONS } from './send-command.js';
import { startupFailure } from './startup-failure.js';
import type { StartupHints } from './startup-hints.js';
import type { StartupWatch } from './startup-watch.js';
import { TransportCheck } from './transport-check.js';

const TARGET = 'the Redis master through Sentinel';

/** How node-redis labels an error of a connection to a node it found through the Sentinels. */
const NODE_ERROR = /^(Master|Replica|Sentinel) Client \(([^)]*)\): /;

/**
 * The watch of a Sentinel client while it opens. node-redis asks each Sentinel in turn for
 * the master, then connects to the master, and starts over a second later if anything failed.
 *
 * - A Sentinel's error counts only when every Sentinel the user named fails in a way retrying
 *   cannot fix, one after the other: one misnamed Sentinel among working ones is not fatal.
 *   (With a client of the user's the Sentinels are not known, and these are retried.)
 * - A master's error (node-redis reports them with `passthroughClientErrorEvents`, which the
 *   port's own client sets) is fatal at once, except a host name that does not resolve: the
 *   Sentinels announced it, and its DNS record may yet appear.
 */
export function sentinelStartup(sentinel: NodeRedisSentinel, hints: StartupHints): StartupWatch {
  const sentinels = hints.sentinelNodes;
  const transport = new TransportCheck(hints.sentinelTls, sentinels, hints);
  let lastError: Error | undefined;
  /** Fatal errors of the Sentinels in a row, with nothing else in between. */
  let streak = 0;
  let fail: (error: SessError) => void = () => {};
  const onError = (error: unknown): void => {
    // node-redis reports a Sentinel's connection error twice: as a string, then as the error.
    if (typeof error === 'string') return;
    const seen = asError(error);
    lastError = seen;
    const node = NODE_ERROR.exec(seen.message);
    if (node) {
      streak = 0;
      const cause = asError(seen.cause ?? seen);
      const kind = connectFailureKind(cause);
      if (node[1] === 'Master' && kind !== undefined && kind !== 'host') {
        fail(startupFailure(kind, cause, hints, 'data', `the master at ${node[2]}`));
      }
      return;
    }
    transport.seen(seen);
    const kind = connectFailureKind(seen);
    streak = kind === undefined ? 0 : streak + 1;
    if (kind !== undefined && sentinels.length > 0 && streak >= sentinels.length) {
      const where = sentinels.length > 1 ? 'every Sentinel' : undefined;
      fail(startupFailure(kind, seen, hints, 'sentinel', where));
    }
  };
  return {
    target: TARGET,
    get lastError() {
      return lastError;
    },
    silence: 'neither a Sentinel nor the master answered within that time',
    start(onFail) {
      fail = onFail;
      sentinel.on('error', onError);
      transport.start(onFail);
    },
    stop() {
      sentinel.off('error', onError);
      transport.stop();
    },
    rejected: (error) => gaveUp(TARGET, error, lastError),
    verify: () =>
      passwordCheck((args) => sentinel.sendCommand(false, [...args], COMMAND_OPTIONS), hints),
  };
}
