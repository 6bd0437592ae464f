import type { IncomingMessage } from 'node:http';
import type { LiveEndReason } from './live-end-reason.js';
import type { LiveRegistration, LiveSessions } from './live-sessions.js';
import type { SessionFacts } from './web-socket-tracking.js';

/** What sess needs of a Socket.IO server socket (`socket.io`'s `Socket` has it). */
export interface SocketIoSocketLike {
  /** The handshake request: its cookie is the session's. */
  readonly request: IncomingMessage;
  readonly connected: boolean;
  /** The underlying Engine.IO connection, shared by the client's namespaces. */
  readonly conn: {
    close(): unknown;
    once(event: 'close', listener: () => void): unknown;
  };
  use(fn: (event: unknown[], next: (error?: Error) => void) => void): unknown;
  disconnect(close?: boolean): unknown;
}

/** What the client receives, just before the disconnection, when its session ended. */
export interface SessionEndedNotice {
  readonly reason: LiveEndReason;
}

/**
 * The event a Socket.IO client receives, with a `SessionEndedNotice`, when its session ended;
 * the server then closes the connection (`disconnect(true)`: the client's `disconnect` reason
 * is `'io server disconnect'`, and it does not reconnect by itself).
 */
export const SESSION_ENDED_EVENT = 'sess:ended';

/** `emit` and `on` of a socket whatever its event maps (they type only the app's events). */
interface LooseEmitter {
  emit(event: string, ...args: unknown[]): unknown;
  on(event: string, listener: () => void): unknown;
}

/**
 * Tracks a Socket.IO socket for `session`: told `sess:ended` and disconnected when the session
 * ends on any instance, following it to a new id on a regenerate or sign-in, and keeping it
 * alive while events come in. Untracked when it disconnects. Returns undefined, tracking
 * nothing, for a request without a session (nothing to follow).
 */
export function trackSocketIo(
  live: LiveSessions,
  socket: SocketIoSocketLike,
  session: SessionFacts,
): LiveRegistration | undefined {
  if (session.id === undefined) return undefined;
  const emitter = socket as unknown as LooseEmitter;
  const registration = live.register(socket, {
    session,
    end: (reason) => {
      const notice: SessionEndedNotice = { reason };
      if (!socket.connected) {
        // Still in the middlewares, or left behind by one that refused it.
        socket.conn.close();
        return;
      }
      emitter.emit(SESSION_ENDED_EVENT, notice);
      socket.disconnect(true);
    },
  });
  socket.use((_event, next) => {
    registration.activity();
    next();
  });
  emitter.on('disconnect', () => registration.unregister());
  // A socket a later middleware refused never connects, and never disconnects either.
  socket.conn.once('close', () => registration.unregister());
  return registration;
}
