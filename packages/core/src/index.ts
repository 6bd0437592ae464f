// `@sess/core`: what an application uses. Adapter authors find the HTTP lifecycle in
// `@sess/core/adapter`, RedisPort authors the call types in `@sess/core/port`; what only the
// sibling `@sess/*` packages use is in `@sess/core/internal` (no semver promise).

// The expired-session cleaner (`store.cleaner`)
export type { Cleaner, CleanerEvents, CleanerStats, CleanerTickReport } from './cleaner.js';
export type { CleanerOptions } from './cleaner-options.js';
// The HTTP options an adapter takes: the cookie, tokens, devices, principals from the data
export type { SessionDeviceOptions } from './device-capture.js';
// Errors
export { isSessError, SessError, type SessErrorCode } from './errors.js';
// Session events: this instance's (`store.on`) and every instance's stream (`store.subscribe`)
export type { EventStreamOptions } from './event-stream-options.js';
export type { Subscription, SubscriptionStats } from './event-subscriber.js';
export type { HttpSessionOptions, SessionCookieOptions } from './http-options.js';
// The store: its factory, its options, what its operations take and return
export { DEFAULT_LIFETIME, type LifetimePolicy } from './lifetime-policy.js';
// The connection to Redis: the port the store talks through, and one in memory for tests
export { createMemoryPort, type MemoryPort } from './memory-port.js';
// Measurements (docs/operations/metrics.md): what an observer is told
export type {
  ImportReport,
  OperationOutcome,
  SessionObserver,
  StoreOperation,
} from './observer.js';
export { type PassportPrincipalOptions, passportPrincipal } from './passport-principal.js';
export type { PrincipalMapping } from './principal-mapping.js';
export type { RedisPort } from './redis-port.js';
export { jsonSerializer, type Serializer } from './serializer.js';
// The session of a request (`req.session`, `request.session`, `ctx.session`) and its data type
export type {
  KeepAttributes,
  RegenerateSessionOptions,
  Session,
  SessionApi,
  SessionData,
  SessionSummary,
  SignInOptions,
} from './session.js';
export type { SessionDevice } from './session-device.js';
export type { SessionEvent, SessionEventType } from './session-events.js';
export { isSessionHandle, sessionHandle } from './session-handle.js';
// Lazy migration from another session library (`migrateFrom`; `@sess/migrate` has importers)
export type { ImportContext, ImportedSession, SessionImporter } from './session-importer.js';
export type { SessionRecord, SessionTimes } from './session-record.js';
export {
  type CommitResult,
  createSessionStore,
  type ImportSessionOptions,
  type RegenerateOptions,
  type SessionStore,
} from './session-store.js';
export type { SessionTokenOptions } from './session-token.js';
export type {
  ReplicationShortfall,
  SessionStoreOptions,
  WaitForReplicasOptions,
} from './store-options.js';
export type {
  BroadcastSubscribeOptions,
  CommonSubscribeOptions,
  DeadLetter,
  EventDelivery,
  GroupSubscribeOptions,
  SessionEventHandler,
  SubscribeOptions,
  SubscriptionErrorContext,
} from './subscribe-options.js';
export type { TrustProxy } from './trust-proxy.js';
