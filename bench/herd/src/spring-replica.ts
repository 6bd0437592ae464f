import { randomUUID } from 'node:crypto';
import type { ExpiryLedger } from './expiry-ledger.js';
import { connectRaw, type RawClient, send } from './redis-client.js';

// A replica of the expiry algorithm Spring Session Redis documents (docs/benchmarks/herd.md
// says what it does and why it is measured) — written from that description, not Spring's
// code, and not Spring:
//
// - On save: the session hash, a per-minute "expirations" set holding the session (under the
//   minute its expiry rounds up to), and an `expires:<id>` string key whose TTL is the idle
//   timeout. The hash itself lives 5 minutes longer, so it can still be read on expiry.
// - Every instance, at the top of every minute: SMEMBERS of the previous minute's set, DEL of
//   the set, and EXISTS on each `expires:` key in it ("touch"), so Redis expires them now.
// - Every instance enables keyspace notifications at startup (CONFIG SET) and listens to
//   `__keyevent@*__:expired` and `:del`; for each expired `expires:` key, every instance
//   re-reads the session (HGETALL) and removes it from its principal index (SREM), then
//   fires its SessionExpiredEvent.
// - Sign-in publishes a `created` event on a channel every instance listens to.

const PREFIX = 'spring:session:';
const EXPIRES = `${PREFIX}sessions:expires:`;
const PRINCIPAL_ATTRIBUTE =
  'sessionAttr:org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME';
const PRINCIPAL_INDEX = `${PREFIX}index:org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME:`;
/** What a serialized security context takes in a real session, roughly. */
const SECURITY_CONTEXT = 'x'.repeat(400);
/** Touches go out in pipelined chunks: in production each instance is its own machine. */
const TOUCH_CHUNK = 100;

/** Minute boundaries of the compressed clock, counted from the run's start. */
export class ReplicaClock {
  constructor(
    readonly t0: number,
    readonly minuteMs: number,
  ) {}

  roundDown(at: number): number {
    return this.t0 + Math.floor((at - this.t0) / this.minuteMs) * this.minuteMs;
  }

  /** Spring's roundUpToNextMinute: the start of the minute after the one `at` is in. */
  roundUp(at: number): number {
    return this.roundDown(at) + this.minuteMs;
  }
}

export class SpringReplicaInstance {
  readonly #url: string;
  readonly #idleMs: number;
  readonly #minuteMs: number;
  readonly #ledger: ExpiryLedger;
  #client: RawClient | undefined;
  #subscriber: RawClient | undefined;
  /** The cleanup runs on a pooled connection of its own (as with Jedis), not behind the listener's work. */
  #cronClient: RawClient | undefined;
  #clock: ReplicaClock | undefined;
  #crons = 0;
  #inFlight = 0;
  #stopped = false;
  /** Keyspace-event and created-channel messages this instance received. */
  messages = { expiresKeys: 0, otherKeys: 0, created: 0 };

  constructor(url: string, idleMs: number, minuteMs: number, ledger: ExpiryLedger) {
    this.#url = url;
    this.#idleMs = idleMs;
    this.#minuteMs = minuteMs;
    this.#ledger = ledger;
  }

  async start(): Promise<void> {
    const client = await connectRaw(this.#url);
    this.#client = client;
    // Spring's ConfigureNotifyKeyspaceEventsAction, run by every instance at startup.
    const [, current = ''] = (await send(client, [
      'CONFIG',
      'GET',
      'notify-keyspace-events',
    ])) as string[];
    const wanted = [...new Set(`${current}Egx`)].join('');
    if (![...'Egx'].every((flag) => current.includes(flag))) {
      await send(client, ['CONFIG', 'SET', 'notify-keyspace-events', wanted]);
    }
    this.#cronClient = await connectRaw(this.#url);
    const subscriber = client.duplicate();
    subscriber.on('error', (error: Error) => console.error(`replica subscriber: ${error.message}`));
    await subscriber.connect();
    this.#subscriber = subscriber;
    await subscriber.pSubscribe(['__keyevent@*__:del', '__keyevent@*__:expired'], (key) =>
      this.#onKeyEvent(key),
    );
    await subscriber.pSubscribe(`${PREFIX}event:created:*`, () => {
      this.messages.created++;
    });
  }

  begin(clock: ReplicaClock): void {
    this.#clock = clock;
  }

  /** A sign-in: a new session with a principal, saved as Spring saves it. */
  async signIn(user: string): Promise<void> {
    const client = this.#client as RawClient;
    const clock = this.#clock as ReplicaClock;
    const id = randomUUID();
    const now = Date.now();
    const expiresAt = now + this.#idleMs;
    const sessionKey = `${PREFIX}sessions:${id}`;
    const expiresKey = `${EXPIRES}${id}`;
    const minuteSet = `${PREFIX}expirations:${clock.roundUp(expiresAt)}`;
    const keepMs = this.#idleMs + 5 * this.#minuteMs;
    this.#ledger.signedIn(id, expiresAt);
    await Promise.all([
      send(client, [
        'HSET',
        sessionKey,
        'creationTime',
        now,
        'lastAccessedTime',
        now,
        'maxInactiveInterval',
        Math.round(this.#idleMs / 1000),
        'sessionAttr:SPRING_SECURITY_CONTEXT',
        SECURITY_CONTEXT,
        PRINCIPAL_ATTRIBUTE,
        user,
      ]),
      send(client, ['SADD', `${PRINCIPAL_INDEX}${user}`, id]),
      // onExpirationUpdated: the minute set, the expires key, the hash's longer TTL.
      send(client, ['SADD', minuteSet, `expires:${id}`]),
      send(client, ['PEXPIRE', minuteSet, keepMs]),
      send(client, ['APPEND', expiresKey, '']),
      send(client, ['PEXPIRE', expiresKey, this.#idleMs]),
      send(client, ['PEXPIRE', sessionKey, keepMs]),
      send(client, ['PUBLISH', `${PREFIX}event:created:${id}`, '{}']),
    ]);
  }

  get busy(): boolean {
    return this.#inFlight > 0 || this.#crons > 0;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#subscriber?.close();
    await this.#cronClient?.close();
    await this.#client?.close();
  }

  /**
   * Spring's cleanExpiredSessions(), run by every instance at the top of the minute (the fleet
   * calls it on all of them at once: clocks in sync). `minute` is the minute that just began.
   */
  async cleanExpiredSessions(minute: number): Promise<void> {
    if (this.#stopped) return;
    const client = this.#cronClient as RawClient;
    this.#crons++;
    try {
      const key = `${PREFIX}expirations:${minute}`;
      const members = (await send(client, ['SMEMBERS', key])) as string[];
      await send(client, ['DEL', key]);
      for (let i = 0; i < members.length; i += TOUCH_CHUNK) {
        await Promise.all(
          members
            .slice(i, i + TOUCH_CHUNK)
            .map((member) => send(client, ['EXISTS', `${PREFIX}sessions:${member}`])),
        );
      }
    } catch (error) {
      if (!this.#stopped) console.error('replica cron:', error);
    } finally {
      this.#crons--;
    }
  }

  /** Spring's onMessage(): every instance re-reads every expired session. */
  #onKeyEvent(key: string): void {
    if (!key.startsWith(EXPIRES)) {
      this.messages.otherKeys++;
      return;
    }
    this.messages.expiresKeys++;
    const id = key.slice(EXPIRES.length);
    this.#ledger.delivered(id);
    this.#inFlight++;
    void this.#handleExpired(id).finally(() => {
      this.#inFlight--;
    });
  }

  async #handleExpired(id: string): Promise<void> {
    const client = this.#client as RawClient;
    try {
      const fields = (await send(client, ['HGETALL', `${PREFIX}sessions:${id}`])) as string[];
      const at = fields.indexOf(PRINCIPAL_ATTRIBUTE);
      const principal = at >= 0 ? fields[at + 1] : undefined;
      if (principal !== undefined) {
        await send(client, ['SREM', `${PRINCIPAL_INDEX}${principal}`, id]);
      }
    } catch (error) {
      if (!this.#stopped) console.error('replica listener:', error);
    }
  }
}
