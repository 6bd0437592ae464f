import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { SessError } from './errors.js';
import { checkOptionKeys, optionNames } from './option-keys.js';
import { checkInteger } from './option-numbers.js';
import type { SessionEvent, SessionEventType } from './session-events.js';

/** Where an event came from. */
export interface EventDelivery {
  /** The stream entry id, e.g. `1712345678901-0`. */
  readonly entryId: string;
  /** How many times the group has delivered this entry, this time included (1 in broadcast mode). */
  readonly deliveries: number;
}

/** Handles one event. In group mode the event is acknowledged once the returned promise resolves. */
export type SessionEventHandler = (
  event: SessionEvent,
  delivery: EventDelivery,
) => void | Promise<void>;

/** Where a subscription failed; it carries on after every one of these. */
export interface SubscriptionErrorContext {
  readonly phase: 'read' | 'handler' | 'ack' | 'claim' | 'dead-letter' | 'parse';
  readonly entryId?: string;
  readonly event?: SessionEvent;
}

/** A stream entry the group gave up on after `maxDeliveries`. */
export interface DeadLetter {
  readonly entryId: string;
  /** Its events (several for a batch entry written by the cleaner); empty if it held none. */
  readonly events: readonly SessionEvent[];
  readonly deliveries: number;
  readonly group: string;
  /** Where a copy was written: `<prefix>:{events}:dead`, with `sourceId`, `group`, `deliveries` added. */
  readonly stream: string;
}

export interface CommonSubscribeOptions {
  handler: SessionEventHandler;
  /**
   * Only events of these types reach the handler; the others are passed over (and, in group
   * mode, acknowledged).
   * @default every type
   */
  types?: readonly SessionEventType[];
  /**
   * Entries read at most per read.
   * @default 100
   */
  count?: number;
  /**
   * How long one read waits for new entries (ms), on the subscription's own connection. An
   * idle subscriber costs one command per `block`; `close()` does not wait for it.
   * @default 30_000
   */
  block?: number;
  /**
   * Wait after a failed read before the next (ms).
   * @default 1_000
   */
  retryDelay?: number;
  /**
   * How long `close()` waits for a handler still running (ms). Past it the subscription stops
   * anyway; in group mode what that handler had is not acknowledged and is handed out again.
   * @default 5_000
   */
  closeTimeout?: number;
  /**
   * Told about failures: reads (retried), handlers that threw (group: retried later; broadcast:
   * passed over), acknowledgements, claims. The subscription never stops by itself.
   * @default none (they are counted in `stats.errors`)
   */
  onError?: (error: unknown, context: SubscriptionErrorContext) => void;
}

/**
 * Consumer-group mode: each event goes to exactly one consumer of the group (at least once),
 * is acknowledged after the handler resolves, is claimed by a live consumer when the one that
 * had it stays silent for `claimIdle`, and is set aside after `maxDeliveries`.
 */
export interface GroupSubscribeOptions extends CommonSubscribeOptions {
  mode: 'group';
  /** The group: every service that must see each event once has a group of its own. */
  group: string;
  /**
   * This consumer's name, unique in the group. Reuse a name across restarts to pick up what
   * the previous run left unacknowledged sooner.
   * @default `<hostname>-<pid>-<random>`
   */
  consumer?: string;
  /**
   * Events a consumer has held this long without acknowledging (ms) are claimed by another
   * consumer of the group, which looks for them about this often.
   * @default 60_000
   */
  claimIdle?: number;
  /**
   * A stream entry is handed out at most this many times; after that it is copied to
   * `<prefix>:{events}:dead`, acknowledged and reported to `onDeadLetter`. (An entry is
   * handed out again when a handler call for any of its events failed.)
   * @default 5
   */
  maxDeliveries?: number;
  /** Told about every event set aside. @default none */
  onDeadLetter?: (letter: DeadLetter) => void;
  /**
   * Where a group that does not exist yet starts: events written from now on, or everything
   * the stream still holds.
   * @default 'new'
   */
  from?: 'new' | 'start';
}

/** Broadcast mode: every subscribed instance gets every event written from now on. */
export interface BroadcastSubscribeOptions extends CommonSubscribeOptions {
  mode: 'broadcast';
}

export type SubscribeOptions = GroupSubscribeOptions | BroadcastSubscribeOptions;

export interface ResolvedSubscribeOptions {
  readonly mode: 'group' | 'broadcast';
  readonly handler: SessionEventHandler;
  readonly types: ReadonlySet<SessionEventType> | undefined;
  readonly count: number;
  readonly block: number;
  readonly retryDelay: number;
  readonly closeTimeout: number;
  readonly onError: (error: unknown, context: SubscriptionErrorContext) => void;
  readonly group: string;
  readonly consumer: string;
  readonly claimIdle: number;
  readonly maxDeliveries: number;
  readonly onDeadLetter: (letter: DeadLetter) => void;
  readonly from: 'new' | 'start';
}

const EVENT_TYPES: readonly SessionEventType[] = [
  'created',
  'destroyed',
  'regenerated',
  'revoked',
  'expired',
];

const BROADCAST_OPTION_NAMES = optionNames<BroadcastSubscribeOptions>({
  mode: true,
  handler: true,
  types: true,
  count: true,
  block: true,
  retryDelay: true,
  closeTimeout: true,
  onError: true,
});

const GROUP_OPTION_NAMES = optionNames<GroupSubscribeOptions>({
  mode: true,
  handler: true,
  types: true,
  count: true,
  block: true,
  retryDelay: true,
  closeTimeout: true,
  onError: true,
  group: true,
  consumer: true,
  claimIdle: true,
  maxDeliveries: true,
  onDeadLetter: true,
  from: true,
});

/** In broadcast mode, the options only a consumer group has. */
const GROUP_ONLY: Readonly<Record<string, string>> = Object.fromEntries(
  GROUP_OPTION_NAMES.filter((name) => !BROADCAST_OPTION_NAMES.includes(name)).map((name) => [
    name,
    "only with `mode: 'group'`: a broadcast subscriber gets every event, with no group to share them",
  ]),
);

const DEFAULTS = {
  count: 100,
  block: 30_000,
  retryDelay: 1_000,
  closeTimeout: 5_000,
  claimIdle: 60_000,
  maxDeliveries: 5,
} as const;

export function resolveSubscribeOptions(options: SubscribeOptions): ResolvedSubscribeOptions {
  if (options === null || typeof options !== 'object') {
    throw new SessError(
      'INVALID_OPTION',
      "subscribe: expected { mode: 'group' | 'broadcast', handler }",
    );
  }
  if (options.mode !== 'group' && options.mode !== 'broadcast') {
    throw new SessError('INVALID_OPTION', "mode: 'group' or 'broadcast'");
  }
  checkOptionKeys(
    options,
    options.mode === 'group'
      ? { known: GROUP_OPTION_NAMES }
      : { known: BROADCAST_OPTION_NAMES, instead: GROUP_ONLY },
  );
  if (typeof options.handler !== 'function') {
    throw new SessError('INVALID_OPTION', 'handler: expected a function (event, delivery) => ...');
  }
  const group = options.mode === 'group' ? options : undefined;
  if (group) {
    name('group', group.group);
    if (group.consumer !== undefined) name('consumer', group.consumer);
  }
  const types = options.types;
  if (types !== undefined) {
    if (!Array.isArray(types) || types.some((type) => !EVENT_TYPES.includes(type))) {
      throw new SessError('INVALID_OPTION', `types: a list of ${EVENT_TYPES.join(', ')}`);
    }
  }
  const resolved: ResolvedSubscribeOptions = {
    mode: options.mode,
    handler: options.handler,
    types: types === undefined ? undefined : new Set(types),
    count: options.count ?? DEFAULTS.count,
    block: options.block ?? DEFAULTS.block,
    retryDelay: options.retryDelay ?? DEFAULTS.retryDelay,
    closeTimeout: options.closeTimeout ?? DEFAULTS.closeTimeout,
    onError: options.onError ?? (() => undefined),
    group: group?.group ?? '',
    consumer: group?.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    claimIdle: group?.claimIdle ?? DEFAULTS.claimIdle,
    maxDeliveries: group?.maxDeliveries ?? DEFAULTS.maxDeliveries,
    onDeadLetter: group?.onDeadLetter ?? (() => undefined),
    from: group?.from ?? 'new',
  };
  checkInteger(
    { name: 'count', unit: 'entries', min: 1, max: 10_000, default: DEFAULTS.count },
    resolved.count,
  );
  for (const [name, min, max] of [
    ['block', 1, 3_600_000],
    ['retryDelay', 1, 3_600_000],
    ['closeTimeout', 0, 3_600_000],
    ['claimIdle', 1, 86_400_000],
  ] as const) {
    checkInteger({ name, unit: 'ms', min, max, default: DEFAULTS[name] }, resolved[name]);
  }
  checkInteger(
    {
      name: 'maxDeliveries',
      unit: 'deliveries',
      min: 1,
      max: 1_000,
      default: DEFAULTS.maxDeliveries,
    },
    resolved.maxDeliveries,
  );
  if (typeof resolved.onError !== 'function') {
    throw new SessError('INVALID_OPTION', 'onError: expected a function');
  }
  if (typeof resolved.onDeadLetter !== 'function') {
    throw new SessError('INVALID_OPTION', 'onDeadLetter: expected a function');
  }
  if (resolved.from !== 'new' && resolved.from !== 'start') {
    throw new SessError('INVALID_OPTION', "from: 'new' or 'start'");
  }
  return resolved;
}

function name(option: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new SessError('INVALID_OPTION', `${option}: expected a string of 1 to 200 characters`);
  }
}
