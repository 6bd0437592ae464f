import {
  createMemoryPort,
  createSessionStore,
  type SessionStore,
  type Subscription,
} from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { ExpiryLedger } from './expiry-ledger.js';
import type { Fleet } from './fleet.js';
import type { HerdOptions } from './herd-options.js';
import { connectRaw, type RawClient, send } from './redis-client.js';

/**
 * The sess side: N instances, each a SessionStore on its own node-redis connection with the
 * cleaner on (as by default), and each a consumer of one group that handles `expired`
 * events — the instance-side listener, but every event goes to one of them only. Every
 * setting that is a time is sess' default scaled by the compression factor.
 */
export class SessFleet implements Fleet {
  readonly name = 'sess';
  readonly label = 'sess';
  readonly ledger = new ExpiryLedger();
  readonly tickMs: number;
  readonly #url: string;
  readonly #options: HerdOptions;
  readonly #settings: ReturnType<typeof scaledSettings>;
  readonly #ports: NodeRedisPort[] = [];
  readonly #stores: SessionStore[] = [];
  readonly #subscriptions: Subscription[] = [];
  #prober: RawClient | undefined;
  #probed = new Set<string>();

  constructor(url: string, options: HerdOptions) {
    this.#url = url;
    this.#options = options;
    this.#settings = scaledSettings(options);
    this.tickMs = this.#settings.interval;
  }

  get settings(): Record<string, number> {
    return { ...this.#settings };
  }

  async start(): Promise<void> {
    const s = this.#settings;
    for (let i = 0; i < this.#options.instances; i++) {
      const port = await createNodeRedisPort({ url: this.#url });
      this.#ports.push(port);
      const store = createSessionStore({
        port,
        prefix: 'herd',
        idleTimeout: s.idleTimeout,
        touchInterval: s.touchInterval,
        grace: s.grace,
        cleaner: { interval: s.interval, leaseTtl: s.leaseTtl },
      });
      this.#stores.push(store);
      this.#subscriptions.push(
        await store.subscribe({
          mode: 'group',
          group: 'app',
          consumer: `app-${i}`,
          types: ['expired'],
          claimIdle: s.claimIdle,
          handler: (event) => {
            this.ledger.delivered(event.id);
          },
          onError: (error, context) => {
            console.error(`sess subscription (${context.phase}):`, error);
          },
        }),
      );
    }
    this.#prober = await connectRaw(this.#url);
  }

  begin(): void {}

  async signIn(instance: number, user: string): Promise<void> {
    const store = this.#stores[instance % this.#stores.length] as SessionStore;
    const session = await store.create({ user, roles: ['user'] }, { principal: user });
    this.ledger.signedIn(session.id, session.expiresAt);
  }

  idle(): boolean {
    return true;
  }

  async probe(now: number): Promise<{ checked: number; present: number; commands: number }> {
    const prober = this.#prober as RawClient;
    const due: string[] = [];
    for (const [id, expiresAt] of this.ledger.entries()) {
      if (expiresAt + 2 * this.tickMs <= now && !this.#probed.has(id)) due.push(id);
    }
    for (const id of due) this.#probed.add(id);
    // EXISTS is safe here: the hash's own TTL (expiry + grace) is far off, so looking at it
    // never makes Redis delete it; only the cleaner could have.
    const replies = await Promise.all(due.map((id) => send(prober, ['EXISTS', `herd:s:{${id}}`])));
    const present = replies.filter((reply) => Number(reply) === 1).length;
    return { checked: due.length, present, commands: due.length };
  }

  /** Totals of the cleaners, for the report. */
  cleanerTotals(): { ticks: number; expired: number; gone: number; leaders: number } {
    let ticks = 0;
    let expired = 0;
    let gone = 0;
    let leaders = 0;
    for (const store of this.#stores) {
      const stats = store.cleaner?.stats;
      if (!stats) continue;
      ticks += stats.ticks;
      expired += stats.expired;
      gone += stats.gone;
      if (stats.ticks > 0) leaders++;
    }
    return { ticks, expired, gone, leaders };
  }

  async stop(): Promise<void> {
    await Promise.all(this.#stores.map((store) => store.close()));
    await Promise.all(this.#ports.map((port) => port.close()));
    await this.#prober?.close();
  }
}

/**
 * sess' own defaults (cleaner interval and lease, touch interval, grace) in compressed time,
 * read from the library so the bench follows them. claimIdle is the subscription default.
 */
function scaledSettings(options: HerdOptions) {
  const factor = 60_000 / options.minuteMs;
  const defaults = createSessionStore({ port: createMemoryPort() });
  const cleaner = defaults.cleaner?.options;
  void defaults.close();
  if (!cleaner) throw new Error('sess runs a cleaner by default');
  const idleTimeout = Math.round(options.idleMinutes * options.minuteMs);
  return {
    factor,
    idleTimeout,
    touchInterval: Math.min(
      Math.round(defaults.options.touchInterval / factor),
      Math.floor(idleTimeout / 2),
    ),
    interval: Math.round(cleaner.interval / factor),
    leaseTtl: Math.round(cleaner.leaseTtl / factor),
    grace: Math.round(defaults.options.grace / factor),
    claimIdle: Math.round(60_000 / factor),
  };
}
