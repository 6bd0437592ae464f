import type { LiveRegistration, LiveSessions } from './live-sessions.js';

/**
 * What sess needs of a WebSocket. A `ws` WebSocket has it, and so has the socket
 * `@fastify/websocket` hands to a route.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  on(event: 'message' | 'close', listener: () => void): unknown;
}

/** The session facts a connection is tracked by: a `Session` (`req.session`) has them. */
export interface SessionFacts {
  readonly id: string | undefined;
  readonly principal: string | undefined;
}

const CLOSING = 2;

/**
 * Tracks an open WebSocket for `session`: closed with `live.closeCode` and the reason
 * (`LiveEndReason`) when the session ends on any instance, following it to a new id on a
 * regenerate or sign-in, and keeping it alive while messages come in. Untracked when it closes.
 * Returns undefined, tracking nothing, for a request without a session (nothing to follow) or
 * a socket that is already closing.
 */
export function trackWebSocket(
  live: LiveSessions,
  socket: WebSocketLike,
  session: SessionFacts,
): LiveRegistration | undefined {
  if (session.id === undefined || socket.readyState >= CLOSING) return undefined;
  const registration = live.register(socket, {
    session,
    end: (reason) => {
      if (socket.readyState < CLOSING) socket.close(live.closeCode, reason);
    },
  });
  socket.on('message', () => registration.activity());
  socket.on('close', () => registration.unregister());
  return registration;
}
