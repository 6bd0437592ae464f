import { SessError, type SessErrorCode } from './errors.js';

/**
 * What a client is told for each error: a status and a sentence that gives nothing away. The
 * detail (Redis' own words, a key, a script hash) stays in `cause`, for logs.
 */
const PUBLIC: Partial<Record<SessErrorCode, readonly [status: number, message: string]>> = {
  UNAVAILABLE: [503, 'The session store is unavailable.'],
  SESSION_GONE: [401, 'The session has ended.'],
  LIMIT_REACHED: [403, 'Too many sessions are open for this user.'],
};
const INTERNAL = [500, 'The session could not be handled.'] as const;

/**
 * A `SessError` as the web frameworks answer it: Express's and Koa's error handlers read
 * `status`, Fastify's reads `statusCode`, Koa shows the message only if `expose`. The message
 * is generic (Fastify and Express in development send it, or the stack, to the client); the
 * `code` is the original one, and `cause` is the original error.
 */
export class SessHttpError extends SessError {
  readonly status: number;
  readonly statusCode: number;
  readonly expose = false;

  constructor(error: SessError) {
    const [status, message] = PUBLIC[error.code] ?? INTERNAL;
    super(error.code, message, { cause: error });
    this.status = status;
    this.statusCode = status;
  }
}

/**
 * An error of a session operation, for the framework's error path: a `SessError` becomes a
 * `SessHttpError` (a status, a generic message); anything else (a port's own error) becomes
 * one with code `REDIS_ERROR`.
 */
export function toHttpError(error: unknown): SessHttpError {
  if (error instanceof SessHttpError) return error;
  if (error instanceof SessError) return new SessHttpError(error);
  const message = error instanceof Error ? error.message : String(error);
  return new SessHttpError(new SessError('REDIS_ERROR', message, { cause: error }));
}
