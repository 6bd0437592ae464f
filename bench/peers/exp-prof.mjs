// Throwaway: one stack in this process under load, for --cpu-prof.
import { startRedis } from '@sess/testkit';
import { pinProcess, planCpus } from './dist/cpu-pinning.js';
import { LoadGenerator } from './dist/load-generator.js';

const [framework, stack, method, path] = process.argv.slice(2);
const cpus = planCpus();
pinProcess(process.pid, cpus.server);
const redis = await startRedis({ env: false });
const load = LoadGenerator.start(cpus.others);
const mod = await import(`./dist/apps/${framework}-${stack}.js`);
const app = await mod.start({ redisUrl: redis.url });
const job = {
  url: `http://127.0.0.1:${app.port}`,
  connections: 50,
  requests: [{ method, path, cookie: false }],
  cookies: [],
};
await load.run({ ...job, duration: 2 });
const c0 = process.cpuUsage();
const r = await load.run({ ...job, duration: 6 });
const c = process.cpuUsage(c0);
console.log(
  stack,
  'cpu µs/req',
  ((c.user + c.system) / r.requests).toFixed(1),
  'rps',
  r.requestsPerSecond.toFixed(0),
);
await load.stop();
await app.close();
await redis.stop();
process.exit(0);
