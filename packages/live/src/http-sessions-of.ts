import type { HttpSessionOptions } from '@sess/core';
import { createHttpSessions, type HttpSessions } from '@sess/core/adapter';

/**
 * The `HttpSessions` a helper opens requests with: the app's own (shared with its adapter), or
 * one made from the same options the app gives its adapter (`{ store, secrets }`).
 */
export function httpSessionsOf(sessions: HttpSessionOptions | HttpSessions): HttpSessions {
  if (
    sessions !== null &&
    typeof sessions === 'object' &&
    typeof (sessions as Partial<HttpSessions>).openRequestWith === 'function'
  ) {
    return sessions as HttpSessions;
  }
  return createHttpSessions(sessions as HttpSessionOptions);
}

/** The HTTP status a failure to open a session answers with (503 when Redis did not answer). */
export function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
}

/**
 * The message a client may see: the sessions' errors carry a generic one (and `expose: false`,
 * their detail being in `cause`); anything else gets a generic sentence.
 */
export function publicMessageOf(error: unknown): string {
  const { expose, message } = (error ?? {}) as { expose?: unknown; message?: unknown };
  return expose === false && typeof message === 'string'
    ? message
    : 'The session could not be handled.';
}
