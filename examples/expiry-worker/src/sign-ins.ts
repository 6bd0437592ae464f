import { createSessionStore } from '@sess/core';
import { createNodeRedisPort } from '@sess/node-redis';

// Stands in for the application: signs users in at a steady rate with a short idle timeout,
// signs a few of them out, and runs a cleaner (as every instance does by default), so that
// `expired` and `destroyed` events keep coming for the workers.

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const perSecond = Number(process.env.RATE ?? 5);
const idleTimeout = Number(process.env.IDLE_MS ?? 5_000);

const port = await createNodeRedisPort({ url });
const store = createSessionStore({
  port,
  prefix: process.env.SESS_PREFIX,
  idleTimeout,
  touchInterval: Math.floor(idleTimeout / 2),
  cleaner: { interval: 1_000, leaseTtl: 3_000 },
});
let n = 0;
const timer = setInterval(async () => {
  const user = `user${++n}`;
  try {
    const session = await store.create({ cart: [] }, { principal: user });
    // One in five signs out before the idle timeout: a `destroyed` event instead.
    if (n % 5 === 0) {
      setTimeout(() => {
        store.destroy(session.id, 'sign-out').catch(() => undefined);
      }, idleTimeout / 2);
    }
  } catch (error) {
    console.error('sign-in failed:', error);
  }
}, 1_000 / perSecond);
console.log(
  `signing in ${perSecond} users/s, idle timeout ${idleTimeout} ms, on ${url}; Ctrl-C to stop`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(timer);
    console.log(`signed in ${n} users`);
    void store
      .close()
      .then(() => port.close())
      .then(() => process.exit(0));
  });
}
