import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpSessionOptions } from '@sess/core';
import type { HttpSessions } from '@sess/core/adapter';
import {
  type ConnectionPolicyOptions,
  checkPolicyKeys,
  connectionPolicy,
} from './connection-policy.js';
import { httpSessionsOf, publicMessageOf, statusOf } from './http-sessions-of.js';
import { type LiveSessions, REPORT } from './live-sessions.js';
import { trackWebSocket, type WebSocketLike } from './web-socket-tracking.js';

/**
 * What `liveUpgrade` needs of a WebSocket server: a `ws` `WebSocketServer` made with
 * `{ noServer: true }` has it.
 */
export interface UpgradeServer<S extends WebSocketLike> {
  handleUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    callback: (socket: S, request: IncomingMessage) => void,
  ): void;
  emit(event: 'connection', socket: S, request: IncomingMessage): boolean;
}

export interface LiveUpgradeOptions<S extends WebSocketLike> extends ConnectionPolicyOptions {
  /** The live connections of this process (`createLiveSessions`). */
  live: LiveSessions;
  /**
   * How the session cookie is read: the options the app gives its adapter
   * (`{ store, secrets, cookie }`), or the `HttpSessions` it shares with it.
   */
  sessions: HttpSessionOptions | HttpSessions;
  /** The `ws` server that takes the connections: `new WebSocketServer({ noServer: true })`. */
  server: UpgradeServer<S>;
}

const OWN_OPTIONS = ['live', 'sessions', 'server'];

/** WebSocket close code 1011: the server met a condition that kept it from going on. */
const INTERNAL_ERROR = 1011;

/**
 * A listener for the HTTP server's `upgrade` event that opens the session of the upgrade
 * request from its cookie, refuses it as the policy says (401 without a signed-in session
 * unless `anonymous: 'allow'`, 403 from another site's page, 503 when Redis does not answer),
 * and otherwise completes the upgrade on `server`, tracks the socket (`trackWebSocket`) and
 * emits `connection` on `server` as `ws` does. `live.sessionOf(socket)` gives its session.
 */
export function liveUpgrade<S extends WebSocketLike>(
  options: LiveUpgradeOptions<S>,
): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  checkPolicyKeys(options, OWN_OPTIONS);
  const { live, server } = options;
  const sessions = httpSessionsOf(options.sessions);
  const policy = connectionPolicy(options);
  return (request, socket, head) => {
    const wrongOrigin = policy.refuseOrigin(request.headers);
    if (wrongOrigin !== undefined) {
      refuse(socket, wrongOrigin.status, wrongOrigin.message);
      return;
    }
    // Node leaves an upgraded socket without an error listener: one is needed while the
    // session loads, and `ws` adds its own once it takes the socket.
    const destroy = () => socket.destroy();
    socket.on('error', destroy);
    sessions.openRequestWith(
      request,
      (scope) => {
        socket.off('error', destroy);
        if (socket.destroyed) return;
        const session = scope.session;
        const refusal = policy.refuseSession(session.principal);
        if (refusal !== undefined) {
          refuse(socket, refusal.status, refusal.message);
          return;
        }
        try {
          server.handleUpgrade(request, socket, head, (webSocket) => {
            try {
              trackWebSocket(live, webSocket, session);
            } catch (error) {
              // `live` was closed: a socket nothing would close when its session ends.
              live[REPORT](error, { phase: 'upgrade', sessionId: session.id });
              webSocket.close(INTERNAL_ERROR, 'the session cannot be followed');
              return;
            }
            server.emit('connection', webSocket, request);
          });
        } catch (error) {
          live[REPORT](error, { phase: 'upgrade', sessionId: session.id });
          refuse(socket, 500, publicMessageOf(undefined));
        }
      },
      (error) => {
        socket.off('error', destroy);
        const status = statusOf(error);
        if (status >= 500) live[REPORT](error, { phase: 'upgrade' });
        refuse(socket, status, publicMessageOf(error));
      },
    );
  };
}

/** Answers an upgrade request with an HTTP error and closes the connection. */
function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
