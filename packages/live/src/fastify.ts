// `@sess/live/fastify`: live connections on `@fastify/websocket`, with `@sess/fastify`.
export type { AllowedOrigins, ConnectionPolicyOptions } from './connection-policy.js';
export { LIVE_CLOSE_CODE, type LiveEndReason } from './live-end-reason.js';
export { liveUpgradeGuard } from './live-upgrade-guard.js';
export { type SessionFacts, trackWebSocket, type WebSocketLike } from './web-socket-tracking.js';
