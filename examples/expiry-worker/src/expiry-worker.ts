import { createSessionStore, type SessionEvent, type Subscription } from '@sess/core';
import { createNodeRedisPort } from '@sess/node-redis';

export interface ExpiryWorkerOptions {
  /** The Redis the applications use. */
  url: string;
  /** The applications' key prefix. @default 'sess' */
  prefix?: string;
  /** Every worker of one service joins the same group: each event goes to one of them. @default 'expiry-worker' */
  group?: string;
  /** This worker's name in the group; keep it across restarts. */
  consumer: string;
  /** What the service does with an ended session (close its websockets, write an audit line...). */
  handle: (event: SessionEvent) => void | Promise<void>;
  /** Events a dead worker held are taken over by a live one after this long (ms). @default 10_000 */
  claimIdle?: number;
}

export interface ExpiryWorker {
  readonly subscription: Subscription;
  close(): Promise<void>;
}

/**
 * A dedicated expiry service, as Spring Session deployments run one, without its trade-offs:
 * it reads `expired` and `destroyed` events from the stream in a consumer group. Run one, or
 * several for failover and throughput: each event is handled by exactly one of them,
 * acknowledged after `handle` resolves, and taken over by another worker if this one dies
 * holding it. The application instances need nothing but their store (its cleaner writes the
 * events).
 */
export async function startExpiryWorker(options: ExpiryWorkerOptions): Promise<ExpiryWorker> {
  const port = await createNodeRedisPort({ url: options.url });
  // The worker only reads events: no cleaner here, the application instances run theirs.
  const store = createSessionStore({ port, prefix: options.prefix ?? 'sess', cleaner: false });
  try {
    const subscription = await store.subscribe({
      mode: 'group',
      group: options.group ?? 'expiry-worker',
      consumer: options.consumer,
      types: ['expired', 'destroyed'],
      claimIdle: options.claimIdle ?? 10_000,
      handler: (event) => options.handle(event),
      onError: (error, context) => {
        console.error(`[${options.consumer}] ${context.phase} failed:`, error);
      },
      onDeadLetter: (letter) => {
        console.error(
          `[${options.consumer}] gave up on entry ${letter.entryId} after ${letter.deliveries} deliveries; copied to ${letter.stream}`,
        );
      },
    });
    return {
      subscription,
      async close() {
        await store.close();
        await port.close();
      },
    };
  } catch (error) {
    await store.close();
    await port.close();
    throw error;
  }
}
