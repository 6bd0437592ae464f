// `@sess/core/internal`: for the `@sess/*` packages only. No semver promise: anything here may
// change in any release. Applications and third-party packages use `@sess/core`,
// `@sess/core/adapter` and `@sess/core/port`.

// The store's resolved options (`store.options`)
export type { ResolvedCleanerOptions } from './cleaner-options.js';
export { CookieSigner, type VerifiedValue } from './cookie-signer.js';
// Events as stored in the stream
export { parseEntry } from './event-entry.js';
export type { ResolvedEventStream } from './event-stream-options.js';
// Where the store keeps things in Redis, and how a session hash is read
export { KeyLayout } from './key-layout.js';
// Lua scripts with their in-memory emulation
export { defineScript, type RedisCallFn, type ScriptEmulation } from './lua-script.js';
// Figures read from Redis at scrape time, and every operation an observer hears of
export { STORE_OPERATIONS } from './observer.js';
// Options objects checked with the core's messages (unknown keys named, numbers with units)
export { checkOptionKeys, type OptionKeys, optionNames } from './option-keys.js';
export { checkInteger, type IntegerOption } from './option-numbers.js';
export { SESSION_EVENT_TYPES } from './session-events.js';
export { isValidSessionId, newSessionId } from './session-id.js';
export { META as SESSION_META_FIELDS } from './session-record.js';
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
export type { ResolvedStoreOptions } from './store-options.js';
export { formatStoredTimes, parseStoredTimes, type StoredTimes } from './stored-times.js';
