export type {
  CommitOutcome,
  HttpSessionOptions,
  KeepAttributes,
  Session,
  SessionApi,
  SessionCookieOptions,
  SessionData,
  SessionDeviceOptions,
  SessionSummary,
  SessionTokenOptions,
  TrustProxy,
} from '@sess/core';
export { HttpSessions, isSessError, SessError } from '@sess/core';
export { type SessionMiddleware, session } from './session-middleware.js';
