import { isSessError, SessError } from './errors.js';

/**
 * A `SessError` the web frameworks answer with its `status`: Express's and Koa's error
 * handlers read `status`, Fastify's reads `statusCode`, Koa shows the message only if `expose`.
 */
export class SessHttpError extends SessError {
  readonly status: number;
  readonly statusCode: number;
  readonly expose = false;

  constructor(error: SessError, status: number) {
    super(error.code, error.message, { cause: error });
    this.status = status;
    this.statusCode = status;
  }
}

/** `UNAVAILABLE` becomes a 503 for the framework's error path; anything else is left as it is. */
export function toHttpError(error: unknown): unknown {
  if (error instanceof SessHttpError) return error;
  if (isSessError(error, 'UNAVAILABLE')) return new SessHttpError(error, 503);
  return error;
}
