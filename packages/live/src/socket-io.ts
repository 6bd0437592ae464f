// `@sess/live/socket.io`: live connections on Socket.IO.
export type { AllowedOrigins, ConnectionPolicyOptions } from './connection-policy.js';
export type { LiveEndReason } from './live-end-reason.js';
export {
  type LiveConnectError,
  type LiveSocketIoOptions,
  liveSocketIo,
} from './live-socket-io.js';
export {
  SESSION_ENDED_EVENT,
  type SessionEndedNotice,
  type SocketIoSocketLike,
  trackSocketIo,
} from './socket-io-tracking.js';
export type { SessionFacts } from './web-socket-tracking.js';
