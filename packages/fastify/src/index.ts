import { sessPlugin } from './sess-plugin.js';

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
export type { FastifySession, FastifySessionSurface } from './fastify-session-dialect.js';
export { type FastifySessOptions, sessPlugin } from './sess-plugin.js';
export default sessPlugin;
