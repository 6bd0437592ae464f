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
} from '@sess/core';
export type { KoaSession, KoaSessionSurface } from './koa-session-dialect.js';
export { session } from './session-middleware.js';
