import type { CommandCall, RedisReply } from './redis-port.js';
import {
  eventFields,
  parseEvent,
  SESSION_EVENT_TYPES,
  type SessionEvent,
  type SessionEventType,
} from './session-events.js';

/**
 * The entries of the event stream. An entry holds one event (`type`, `id`, `principal`, `at`,
 * `reason`... as fields), or a batch of them: `type batch events <JSON array of events>`.
 *
 * The cleaner writes batches: one XADD for many `expired` events keeps the cost of an expiry
 * near two Redis commands (read, delete), which is what lets cleanup stay two orders of
 * magnitude below a notification fan-out. Subscribers see events one by one either way; an
 * entry is acknowledged once every event in it was handled.
 */
export const BATCH_ENTRY_TYPE = 'batch';

/** `XADD stream MAXLEN ~ n * ...`: one event as plain fields, several as one batch entry. */
export function xaddEntry(
  stream: string,
  maxLength: number,
  events: readonly SessionEvent[],
): CommandCall {
  const fields =
    events.length === 1
      ? eventFields(events[0] as SessionEvent)
      : ['type', BATCH_ENTRY_TYPE, 'events', JSON.stringify(events)];
  return {
    command: 'XADD',
    keys: [stream],
    args: [stream, 'MAXLEN', '~', String(maxLength), '*', ...fields],
  };
}

/** The events of an entry, in order; undefined when it is not an entry sess wrote. */
export function parseEntry(fields: readonly RedisReply[]): SessionEvent[] | undefined {
  if (fields[0] === 'type' && fields[1] === BATCH_ENTRY_TYPE) {
    const index = fields.indexOf('events');
    let items: unknown;
    try {
      items = JSON.parse(String(fields[index + 1]));
    } catch {
      return undefined;
    }
    if (index < 0 || !Array.isArray(items)) return undefined;
    const events: SessionEvent[] = [];
    for (const item of items) {
      if (item === null || typeof item !== 'object') return undefined;
      const event = parseEvent(
        Object.entries(item).flatMap(([name, value]) => [name, String(value)]),
      );
      if (!event || !isEventType(event.type)) return undefined;
      events.push(event);
    }
    return events;
  }
  const event = parseEvent(fields);
  return event && isEventType(event.type) ? [event] : undefined;
}

function isEventType(type: string): boolean {
  return SESSION_EVENT_TYPES.includes(type as SessionEventType);
}
