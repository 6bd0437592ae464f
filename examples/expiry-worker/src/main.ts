import { hostname } from 'node:os';
import { startExpiryWorker } from './expiry-worker.js';

// One expiry worker. Start two (WORKER=a, WORKER=b) and watch them share the work.

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const consumer = process.env.WORKER ?? `${hostname()}-${process.pid}`;
let expired = 0;
let destroyed = 0;

const worker = await startExpiryWorker({
  url,
  consumer,
  prefix: process.env.SESS_PREFIX,
  handle: (event) => {
    if (event.type === 'expired') expired++;
    else destroyed++;
    const who = event.principal ? ` of ${event.principal}` : '';
    const why = event.reason ? ` (${event.reason})` : '';
    const late = event.type === 'expired' ? `, ${Date.now() - event.at} ms after it expired` : '';
    console.log(`[${consumer}] ${event.type} ${event.id.slice(0, 8)}…${who}${why}${late}`);
  },
});
console.log(`[${consumer}] handling expired and destroyed sessions from ${url}; Ctrl-C to stop`);

const report = setInterval(() => {
  console.log(`[${consumer}] so far: ${expired} expired, ${destroyed} destroyed`);
}, 10_000);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(report);
    console.log(`[${consumer}] stopping: ${expired} expired, ${destroyed} destroyed handled`);
    void worker.close().then(() => process.exit(0));
  });
}
