export type {
  CommitOutcome,
  HttpSessionOptions,
  KeepAttributes,
  PrincipalMapping,
  Session,
  SessionApi,
  SessionCookieOptions,
  SessionData,
  SessionDeviceOptions,
  SessionSummary,
  SessionTokenOptions,
  TrustProxy,
} from '@sess/core';
export {
  HttpSessions,
  isSessError,
  type PassportPrincipalOptions,
  passportPrincipal,
  SessError,
  type SessionCookieView,
} from '@sess/core';
export type { ExpressSession, ExpressSessionSurface } from './express-session-dialect.js';
export { type SessionMiddleware, session } from './session-middleware.js';
