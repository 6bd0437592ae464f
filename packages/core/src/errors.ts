/**
 * Every error sess throws on purpose. Match on `code`, not on the message.
 *
 * - `UNAVAILABLE`: Redis did not answer within the deadline, or the connection is down.
 * - `REDIS_ERROR`: Redis answered with an error, or with a reply sess did not expect.
 * - `INVALID_OPTION`: an option failed validation at construction (the message names it).
 * - `INVALID_ID`: a session id that is not 43 base64url characters of 256 random bits.
 * - `INVALID_NAME`: an attribute name that is empty, too long or reserved.
 * - `INVALID_VALUE`: a value the serializer refuses (`__proto__` keys, cycles, functions, ...).
 * - `TOO_LARGE`: an attribute or the whole session exceeds its configured size limit.
 * - `LIMIT_REACHED`: `maxSessionsPerPrincipal` with `onLimit: 'reject'` refused a new session.
 * - `SESSION_GONE`: the operation needs a session that was destroyed, expired or revoked.
 * - `NOT_REPLICATED`: with `waitForReplicas`, fewer replicas acknowledged a write in time than
 *   asked for. The write stands on the master; a failover before it replicates may undo it.
 * - `CLOSED`: the store was closed.
 */
export type SessErrorCode =
  | 'UNAVAILABLE'
  | 'REDIS_ERROR'
  | 'INVALID_OPTION'
  | 'INVALID_ID'
  | 'INVALID_NAME'
  | 'INVALID_VALUE'
  | 'TOO_LARGE'
  | 'LIMIT_REACHED'
  | 'SESSION_GONE'
  | 'NOT_REPLICATED'
  | 'CLOSED';

export class SessError extends Error {
  override readonly name: string = 'SessError';
  readonly code: SessErrorCode;

  constructor(code: SessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isSessError(error: unknown, code?: SessErrorCode): error is SessError {
  return error instanceof SessError && (code === undefined || error.code === code);
}
