// Cleanup and session events
export type { CleanerEvents, CleanerStats, CleanerTickReport } from './cleaner.js';
export { Cleaner } from './cleaner.js';
export type { CleanerOptions, ResolvedCleanerOptions } from './cleaner-options.js';
// For adapters (`@sess/core/adapter` once the entry points are split): what a framework's
// session vocabulary (express-session's, @fastify/session's, koa-session's) is built on
export type { CompatBackend, SessionCookieFacts } from './compat-backend.js';
// HTTP lifecycle (request → session → commit → Set-Cookie) and the Session API
export { CookieSigner, type VerifiedValue } from './cookie-signer.js';
export type { SessionDeviceOptions } from './device-capture.js';
export { isSessError, SessError, type SessErrorCode } from './errors.js';
export { BATCH_ENTRY_TYPE, parseEntry } from './event-entry.js';
export type { EventStreamOptions, ResolvedEventStream } from './event-stream-options.js';
export type { Subscription, SubscriptionStats } from './event-subscriber.js';
export { SessHttpError } from './http-error.js';
export type { HttpSessionOptions, SessionCookieOptions } from './http-options.js';
export { createHttpSessions, HttpSessions } from './http-sessions.js';
export { KeyLayout } from './key-layout.js';
export { DEFAULT_LIFETIME, type LifetimePolicy } from './lifetime-policy.js';
export {
  defineScript,
  type LuaScript,
  type RedisCallFn,
  type ScriptEmulation,
} from './lua-script.js';
export { createMemoryPort, MemoryPort } from './memory-port.js';
export { callBack, callBackOrReturn, type NodeCallback } from './node-callback.js';
// Measurements (docs/operations/metrics.md): the observer interface and the figures read from Redis on demand
export {
  type ImportReport,
  type OperationOutcome,
  type SessionObserver,
  STORE_OPERATIONS,
  type StoreOperation,
} from './observer.js';
// For the sibling @sess/* packages: how their options objects are checked, with the same
// messages as the core's (unknown keys named with a suggestion, numbers with unit and default)
export { checkOptionKeys, type OptionKeys, optionNames } from './option-keys.js';
export { checkInteger, type IntegerOption } from './option-numbers.js';
// Passport's user as the principal, and lazy migration from other session libraries
export { type PassportPrincipalOptions, passportPrincipal } from './passport-principal.js';
export type { PrincipalMapping } from './principal-mapping.js';
export type {
  CallOptions,
  CommandCall,
  PortCacheStats,
  PortCall,
  PortCapabilities,
  RedisArg,
  RedisPort,
  RedisReply,
  ScriptCall,
} from './redis-port.js';
export { isScriptCall } from './redis-port.js';
export {
  applyCommitHeaders,
  commitHeaders,
  type HeaderTarget,
  hasCommitHeaders,
} from './response-headers.js';
export { jsonSerializer, type Serializer } from './serializer.js';
export {
  type KeepAttributes,
  RESERVED_SESSION_NAMES,
  type RegenerateSessionOptions,
  type Session,
  type SessionApi,
  type SessionBackend,
  type SessionData,
  type SessionDialect,
  type SessionSummary,
  type SignInOptions,
} from './session.js';
export { SessionCookieView } from './session-cookie-view.js';
export type { SessionDevice } from './session-device.js';
export {
  SESSION_EVENT_TYPES,
  type SessionEvent,
  type SessionEventType,
} from './session-events.js';
export { isSessionHandle, sessionHandle } from './session-handle.js';
export { assertSessionId, isValidSessionId, newSessionId } from './session-id.js';
export type { ImportContext, ImportedSession, SessionImporter } from './session-importer.js';
export { META as SESSION_META_FIELDS, SessionRecord, type SessionTimes } from './session-record.js';
export type { CommitOutcome, SessionScope } from './session-scope.js';
export {
  type CommitResult,
  createSessionStore,
  type ImportSessionOptions,
  type RegenerateOptions,
  SessionStore,
} from './session-store.js';
export type { SessionTokenOptions } from './session-token.js';
export {
  type BucketFigures,
  type EventGroupFigures,
  type EventStreamFigures,
  type ExpiryIndexFigures,
  readEventStream,
  readExpiryIndex,
  StoreGauges,
  type StoreGaugesOptions,
} from './store-gauges.js';
export type {
  ReplicationShortfall,
  SessionStoreOptions,
  WaitForReplicasOptions,
} from './store-options.js';
export { formatStoredTimes, parseStoredTimes, type StoredTimes } from './stored-times.js';
export type {
  BroadcastSubscribeOptions,
  DeadLetter,
  EventDelivery,
  GroupSubscribeOptions,
  SessionEventHandler,
  SubscribeOptions,
  SubscriptionErrorContext,
} from './subscribe-options.js';
export type { HttpRequestFacts, NodeRequestLike, TrustProxy } from './trust-proxy.js';
