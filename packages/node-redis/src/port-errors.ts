import { SessError } from '@sess/core';
import { ErrorReply } from 'redis';

/**
 * An error reply from Redis (`ERR ...`, `WRONGTYPE ...`, `NOSCRIPT ...`). The class name is
 * checked too, for a client that comes from another copy of `@redis/client` than ours.
 */
export function isErrorReply(error: unknown): error is Error {
  if (error instanceof ErrorReply) return true;
  if (!(error instanceof Error)) return false;
  for (
    let proto: unknown = Object.getPrototypeOf(error);
    proto;
    proto = Object.getPrototypeOf(proto)
  ) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'ErrorReply')
      return true;
  }
  return false;
}

export function isNoScript(error: unknown): boolean {
  return isErrorReply(error) && error.message.startsWith('NOSCRIPT');
}

/** Why a call stopped waiting: the core's own `UNAVAILABLE` as is, any other reason wrapped. */
export function abortedError(signal: AbortSignal): SessError {
  const reason: unknown = signal.reason;
  if (reason instanceof SessError) return reason;
  return new SessError('UNAVAILABLE', 'the call was aborted before Redis answered', {
    cause: reason,
  });
}

/**
 * Error replies that say "not now" rather than "wrong": a Cluster without a master for a
 * slot, a slot being moved, a server loading its data, a master that was demoted, a replica
 * cut off from its master. They come and go with failovers.
 */
const TRANSIENT_REPLY = /^(CLUSTERDOWN|TRYAGAIN|LOADING|READONLY|MASTERDOWN) /;

/**
 * What a failed call rejects with. An error reply stays the plain `Error` node-redis gives
 * (its message is Redis' own; the core reports it as `REDIS_ERROR`), except one that only
 * says "not now" (`CLUSTERDOWN`, `TRYAGAIN`, `LOADING`, `READONLY`, `MASTERDOWN`), which is
 * `UNAVAILABLE` with Redis' words in the message. So is an error node-redis raised over a
 * reply (its `cause`, e.g. too many Cluster redirects): Redis did answer, and the message
 * says what. Only what means no answer came (the client is offline or closed, the socket
 * dropped, a timeout, an abort) is "Redis did not answer".
 */
export function toPortError(error: unknown, signal: AbortSignal | undefined): Error {
  if (isErrorReply(error)) {
    if (!TRANSIENT_REPLY.test(error.message)) return error;
    return new SessError('UNAVAILABLE', `Redis cannot serve the call now: ${error.message}`, {
      cause: error,
    });
  }
  if (signal?.aborted) return abortedError(signal);
  if (error instanceof SessError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const reply = error instanceof Error ? error.cause : undefined;
  if (isErrorReply(reply)) {
    return new SessError(
      'UNAVAILABLE',
      `Redis cannot serve the call now: ${message} (Redis answered: ${reply.message})`,
      { cause: error },
    );
  }
  return new SessError('UNAVAILABLE', `Redis did not answer: ${message}`, { cause: error });
}
