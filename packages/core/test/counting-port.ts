import { createMemoryPort } from '../src/memory-port.js';
import type {
  CommandCall,
  PortCall,
  RedisPort,
  RedisReply,
  ScriptCall,
} from '../src/redis-port.js';

/** The memory port, counting its round trips in `trips`. */
export function countingPort(): RedisPort & { trips: number } {
  const inner = createMemoryPort();
  const port = {
    trips: 0,
    capabilities: inner.capabilities,
    send: (call: CommandCall): Promise<RedisReply> => {
      port.trips++;
      return inner.send(call);
    },
    script: (call: ScriptCall): Promise<RedisReply> => {
      port.trips++;
      return inner.script(call);
    },
    batch: (calls: readonly PortCall[]): Promise<Array<RedisReply | Error>> => {
      port.trips++;
      return inner.batch(calls);
    },
    dedicated: () => inner.dedicated(),
    close: () => inner.close(),
  };
  return port;
}
