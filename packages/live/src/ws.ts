// `@sess/live/ws`: live connections on `ws` (a `WebSocketServer` with `noServer: true`).
export type { AllowedOrigins, ConnectionPolicyOptions } from './connection-policy.js';
export { LIVE_CLOSE_CODE, type LiveEndReason } from './live-end-reason.js';
export { type LiveUpgradeOptions, liveUpgrade, type UpgradeServer } from './live-upgrade.js';
export { type SessionFacts, trackWebSocket, type WebSocketLike } from './web-socket-tracking.js';
