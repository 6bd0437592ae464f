export { isSessError, SessError, type SessErrorCode } from './errors.js';
export { KeyLayout } from './key-layout.js';
export {
  defineScript,
  type LuaScript,
  type RedisCallFn,
  type ScriptEmulation,
} from './lua-script.js';
export { createMemoryPort, MemoryPort } from './memory-port.js';
export type {
  CallOptions,
  CommandCall,
  PortCall,
  PortCapabilities,
  RedisArg,
  RedisPort,
  RedisReply,
  ScriptCall,
} from './redis-port.js';
export { isScriptCall } from './redis-port.js';
export { jsonSerializer, type Serializer } from './serializer.js';
export type { SessionEvent, SessionEventType } from './session-events.js';
export { assertSessionId, isValidSessionId, newSessionId } from './session-id.js';
export { SessionRecord, type SessionTimes } from './session-record.js';
export {
  type CommitResult,
  createSessionStore,
  type RegenerateOptions,
  SessionStore,
} from './session-store.js';
export type { SessionStoreOptions } from './store-options.js';
