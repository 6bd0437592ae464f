import { sessPlugin } from './sess-plugin.js';

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
export { type FastifySessOptions, sessPlugin } from './sess-plugin.js';
export default sessPlugin;
