import { optionNames } from './option-keys.js';
import type { SessionEvent } from './session-events.js';

/** What the store writes to its event stream `<prefix>:{events}`. */
export interface EventStreamOptions {
  /**
   * Entries kept, about (`XADD ... MAXLEN ~`): how far a consumer group may fall behind before
   * it misses events. The cleaner writes up to `eventsPerEntry` expirations per entry.
   * @default 100_000
   */
  maxLength?: number;
  /**
   * Also write a `created` event for a session created without a principal (an anonymous
   * session, made by its first write). Off by default: on a site that keeps anonymous sessions
   * (carts, CSRF tokens, preferences) they are most of what the stream would hold, one entry
   * each, and they would push the events consumers act on (sign-ins, sign-outs, expirations)
   * out of the capped stream several times sooner. Sign-ins (`created` or `regenerated` with a
   * principal) and every end of a session are always written. Local listeners
   * (`store.on('created')`) hear every creation either way.
   * @default false
   */
  anonymousCreated?: boolean;
}

export const EVENT_STREAM_OPTION_NAMES = optionNames<EventStreamOptions>({
  maxLength: true,
  anonymousCreated: true,
});

export type ResolvedEventStream = Readonly<Required<EventStreamOptions>>;

/** Whether `event` goes to the stream. */
export function isStreamed(event: SessionEvent, stream: ResolvedEventStream): boolean {
  return event.type !== 'created' || event.principal !== undefined || stream.anonymousCreated;
}
