export type { AllowedOrigins, ConnectionPolicyOptions } from './connection-policy.js';
export { LIVE_CLOSE_CODE, type LiveEndReason } from './live-end-reason.js';
export {
  createLiveSessions,
  type LiveConnectionOptions,
  type LiveRegistration,
  type LiveSession,
  type LiveSessions,
  type LiveStats,
} from './live-sessions.js';
export type { LiveErrorContext, LiveSessionsOptions } from './live-sessions-options.js';
