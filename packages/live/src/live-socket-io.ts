import type { HttpSessionOptions } from '@sess/core';
import type { HttpSessions } from '@sess/core/adapter';
import {
  type ConnectionPolicyOptions,
  checkPolicyKeys,
  connectionPolicy,
  type Refusal,
} from './connection-policy.js';
import { httpSessionsOf, publicMessageOf, statusOf } from './http-sessions-of.js';
import { type LiveSessions, REPORT } from './live-sessions.js';
import { type SocketIoSocketLike, trackSocketIo } from './socket-io-tracking.js';

export interface LiveSocketIoOptions extends ConnectionPolicyOptions {
  /** The live connections of this process (`createLiveSessions`). */
  live: LiveSessions;
  /**
   * How the session cookie is read: the options the app gives its adapter
   * (`{ store, secrets, cookie }`), or the `HttpSessions` it shares with it.
   */
  sessions: HttpSessionOptions | HttpSessions;
}

/**
 * A refusal as Socket.IO passes it to the client's `connect_error`: `message`, and `data`
 * with the HTTP status it stands for.
 */
export interface LiveConnectError extends Error {
  readonly data: { readonly status: number };
}

const OWN_OPTIONS = ['live', 'sessions'];

/**
 * A Socket.IO middleware (`io.use(...)`, or `io.of(name).use(...)`) that opens the session of
 * the handshake request from its cookie, refuses the connection as the policy says (the
 * client's `connect_error` gets `data.status` 401 without a signed-in session unless
 * `anonymous: 'allow'`, 403 from another site's page, 503 when Redis does not answer), and
 * otherwise tracks the socket (`trackSocketIo`). Put it last among the middlewares, so that a
 * socket it tracks is one that connects. `live.sessionOf(socket)` gives its session.
 */
export function liveSocketIo(
  options: LiveSocketIoOptions,
): (socket: SocketIoSocketLike, next: (error?: Error) => void) => void {
  checkPolicyKeys(options, OWN_OPTIONS);
  const { live } = options;
  const sessions = httpSessionsOf(options.sessions);
  const policy = connectionPolicy(options);
  return (socket, next) => {
    const wrongOrigin = policy.refuseOrigin(socket.request.headers);
    if (wrongOrigin !== undefined) {
      next(connectError(wrongOrigin));
      return;
    }
    sessions.openRequestWith(
      socket.request,
      (scope) => {
        const session = scope.session;
        const refusal = policy.refuseSession(session.principal);
        if (refusal !== undefined) {
          next(connectError(refusal));
          return;
        }
        try {
          trackSocketIo(live, socket, session);
        } catch (error) {
          // `live` was closed: a socket nothing would close when its session ends.
          live[REPORT](error, { phase: 'upgrade', sessionId: session.id });
          next(connectError({ status: 500, message: publicMessageOf(undefined) }));
          return;
        }
        next();
      },
      (error) => {
        const status = statusOf(error);
        if (status >= 500) live[REPORT](error, { phase: 'upgrade' });
        next(connectError({ status, message: publicMessageOf(error) }));
      },
    );
  };
}

function connectError(refusal: Pick<Refusal, 'message'> & { status: number }): LiveConnectError {
  return Object.assign(new Error(refusal.message), { data: { status: refusal.status } });
}
