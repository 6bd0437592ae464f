import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpSessionOptions } from '@sess/core';
import { createHttpSessions, type HttpSessions, isHttpSessions } from '@sess/core/adapter';
import { commitBeforeSending } from './commit-before-sending.js';
import { EXPRESS_SESSION_DIALECT, type ExpressSession } from './express-session-dialect.js';
import { attachSession } from './request-session.js';

declare global {
  // Express declares its request type in this global namespace; merging adds `req.session`.
  namespace Express {
    interface Request {
      /** The session of this request (see `Session` in `@sess/core`), speaking express-session too. */
      session: ExpressSession;
      /**
       * express-session's `req.sessionID`: the session's id. Reading it gives an anonymous
       * request an id, as express-session does; the session is saved once something is written.
       */
      sessionID: string;
    }
  }
}

/** A plain Connect/Express middleware: `app.use(session(options))`. */
export type SessionMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Express 4 and 5 middleware: `req.session` for every request after it. The session is
 * committed before the first byte of the response goes out, so the Set-Cookie is on it; a
 * failure (Redis unavailable with `onUnavailable: 'fail'`: a `SessError` with status 503)
 * goes to `next(err)` before anything was written.
 *
 * Pass options, or an `HttpSessions` to share one between apps.
 */
export function session(options: HttpSessionOptions | HttpSessions): SessionMiddleware {
  const sessions = isHttpSessions(options) ? options : createHttpSessions(options);
  return function sessSession(req, res, next) {
    sessions.openRequestWith(
      req,
      (scope) => {
        attachSession(req, scope);
        commitBeforeSending(res, scope, next);
        next();
      },
      next,
      EXPRESS_SESSION_DIALECT,
    );
  };
}
