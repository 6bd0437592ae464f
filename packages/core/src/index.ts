export { SessError, isSessError, type SessErrorCode } from './errors.js';
export type {
  RedisPort,
  RedisArg,
  RedisReply,
  CommandCall,
  ScriptCall,
  PortCall,
  CallOptions,
  PortCapabilities,
} from './redis-port.js';
export { isScriptCall } from './redis-port.js';
export type { LuaScript } from './lua-script.js';
export { newSessionId, isValidSessionId, assertSessionId } from './session-id.js';
export { jsonSerializer, type Serializer } from './serializer.js';
export { KeyLayout } from './key-layout.js';
export { SessionRecord, type SessionTimes } from './session-record.js';
export type { SessionEvent, SessionEventType } from './session-events.js';
export type { SessionStoreOptions } from './store-options.js';
export {
  SessionStore,
  createSessionStore,
  type CommitResult,
  type RegenerateOptions,
} from './session-store.js';
export { MemoryPort, createMemoryPort } from './memory-port.js';
