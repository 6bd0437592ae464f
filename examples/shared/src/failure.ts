import { isSessError } from '@sess/core';

/** The status and the message a visitor sees for an error a request ran into. */
export interface Failure {
  readonly status: number;
  readonly message: string;
  /** Worth a log line: not the visitor's doing and not an outage we already report as 503. */
  readonly unexpected: boolean;
}

export function describeFailure(error: unknown): Failure {
  if (isSessError(error, 'UNAVAILABLE')) {
    return {
      status: 503,
      message: 'The session store is not answering. Try again in a moment.',
      unexpected: false,
    };
  }
  const status = statusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, message: 'That request could not be understood.', unexpected: false };
  }
  return { status: 500, message: 'Something unexpected went wrong.', unexpected: true };
}

/** The HTTP status an error carries, as body parsers and http-errors set it. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}
