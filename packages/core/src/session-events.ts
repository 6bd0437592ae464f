import type { RedisReply } from './redis-port.js';

export type SessionEventType = 'created' | 'destroyed' | 'regenerated' | 'revoked' | 'expired';

/** Every event type (for readers that check what they parse, and observers that want a zero for each). */
export const SESSION_EVENT_TYPES: readonly SessionEventType[] = [
  'created',
  'destroyed',
  'regenerated',
  'revoked',
  'expired',
];

/** What happened to a session: emitted locally by the instance that did it, and written to the stream. */
export interface SessionEvent {
  readonly type: SessionEventType;
  /** The session id (for `regenerated`, the old one). */
  readonly id: string;
  /** For `regenerated`: the new id. */
  readonly newId?: string;
  readonly principal?: string;
  /** When it happened (ms since the epoch, application time); for `expired`, the expiry itself. */
  readonly at: number;
  /**
   * Why, when there is more than one way: `limit` (maxSessionsPerPrincipal), `sign-in`;
   * `failed` for the `destroyed` event that ends a `created` one whose creation failed (the
   * event goes to Redis with the creation, so a fault may leave it without a session); for
   * `expired`: `idle`, `absolute`, or `unknown` when Redis had deleted the session's data
   * before the cleaner came (it was down longer than `grace`), so only the id is known.
   */
  readonly reason?: string;
}

const FIELD_NAMES = ['type', 'id', 'newId', 'principal', 'at', 'reason'] as const;

/** The field/value pairs of a stream entry for `event`. */
export function eventFields(event: SessionEvent): string[] {
  const fields: string[] = [];
  for (const name of FIELD_NAMES) {
    const value = event[name];
    if (value !== undefined) fields.push(name, String(value));
  }
  return fields;
}

/** Reads the fields of a stream entry (`[k, v, k, v...]`) back into an event. */
export function parseEvent(fields: readonly RedisReply[]): SessionEvent | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    map.set(String(fields[i]), String(fields[i + 1]));
  }
  const type = map.get('type') as SessionEventType | undefined;
  const id = map.get('id');
  const at = Number(map.get('at'));
  if (!type || !id || !Number.isFinite(at)) return undefined;
  const event: { -readonly [K in keyof SessionEvent]: SessionEvent[K] } = { type, id, at };
  const newId = map.get('newId');
  const principal = map.get('principal');
  const reason = map.get('reason');
  if (newId !== undefined) event.newId = newId;
  if (principal !== undefined) event.principal = principal;
  if (reason !== undefined) event.reason = reason;
  return event;
}
