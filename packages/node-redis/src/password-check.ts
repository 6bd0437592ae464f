import type { SessError } from '@sess/core';
import { isErrorReply } from './port-errors.js';
import { startupFailure } from './startup-failure.js';
import type { StartupHints } from './startup-hints.js';

/**
 * Over RESP2 a connection without credentials opens even when the server wants a password
 * (node-redis sends no command that needs one); its first call would fail with `NOAUTH`. A
 * `PING` finds that out while the port opens. Any other answer, `NOPERM` included (a user
 * may be denied `PING` and allowed all sess needs), lets the opening succeed.
 */
export async function passwordCheck(
  send: (args: readonly string[]) => Promise<unknown>,
  hints: StartupHints,
): Promise<SessError | undefined> {
  try {
    await send(['PING']);
    return undefined;
  } catch (error) {
    if (!isErrorReply(error) || !error.message.startsWith('NOAUTH ')) return undefined;
    return startupFailure('credentials', error, hints);
  }
}
