export type {
  HttpSessionOptions,
  KeepAttributes,
  SessionApi,
  SessionCookieOptions,
  SessionData,
  SessionStore,
  SessionStoreOptions,
  SessionSummary,
  TrustProxy,
} from '@sess/core';
export { isSessError, SessError } from '@sess/core';
export type {
  SessModuleAsyncOptions,
  SessModuleHttpOptions,
  SessModuleOptions,
  ShutdownAction,
} from './module-options.js';
export { SessModule } from './sess-module.js';
export { Session } from './session-decorator.js';
export { SignedInGuard } from './signed-in-guard.js';
export { InjectSessionStore, SESSION_STORE } from './tokens.js';
