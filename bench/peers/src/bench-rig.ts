import { type RedisServer, startRedis } from '@sess/testkit';
import { type CpuPlan, pinProcess, planCpus } from './cpu-pinning.js';
import { LoadGenerator } from './load-generator.js';
import { RedisCounters } from './redis-counters.js';

/** What every throughput run stands on: a throwaway redis-server, the load generator, the CPU plan. */
export interface BenchRig {
  /** Where the servers go (`cpus.server`) and everything else; undefined when not pinned. */
  readonly cpus: CpuPlan | undefined;
  readonly redis: RedisServer;
  readonly load: LoadGenerator;
  readonly counters: RedisCounters;
  stop(): Promise<void>;
}

/**
 * Starts redis-server and the load generator, and with `pin` puts them and this process on the
 * CPUs the servers do not get (see `planCpus`).
 */
export async function startBenchRig(pin: boolean): Promise<BenchRig> {
  const cpus = pin ? planCpus() : undefined;
  if (cpus !== undefined) pinProcess(process.pid, cpus.others);
  const redis = await startRedis({ env: false });
  if (cpus !== undefined && redis.pid !== undefined) pinProcess(redis.pid, cpus.others);
  const load = LoadGenerator.start(cpus?.others);
  const counters = await RedisCounters.connect(redis.url);
  return {
    cpus,
    redis,
    load,
    counters,
    async stop() {
      await counters.close();
      await load.stop();
      await redis.stop();
    },
  };
}

/**
 * `work` on a rig of its own, stopped after it. Each part of a long run gets one: the sessions
 * an earlier part created expire half an hour later, and a sess server whose cleaner holds the
 * lease would spend a later part's rounds deleting them, on one of the two stacks being compared.
 */
export async function onFreshRig<T>(pin: boolean, work: (rig: BenchRig) => Promise<T>): Promise<T> {
  const rig = await startBenchRig(pin);
  try {
    return await work(rig);
  } finally {
    await rig.stop();
  }
}
