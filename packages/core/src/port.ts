// `@sess/core/port`: what the author of a RedisPort needs (docs/ports/writing-a-port.md).

// The errors a port throws (`UNAVAILABLE`, `REDIS_ERROR`, `CLOSED`)
export { isSessError, SessError, type SessErrorCode } from './errors.js';
export type { LuaScript } from './lua-script.js';
// The port and the calls it carries
export {
  type CallOptions,
  type CommandCall,
  isScriptCall,
  type PortCacheStats,
  type PortCall,
  type PortCapabilities,
  type RedisArg,
  type RedisPort,
  type RedisReply,
  type ScriptCall,
} from './redis-port.js';
