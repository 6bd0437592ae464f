import { type CommandSample, CommandSampler } from './command-sampler.js';
import type { Fleet } from './fleet.js';
import type { HerdOptions } from './herd-options.js';
import { connectRaw } from './redis-client.js';

/** Everything one run measured; the numbers the report prints are derived from it. */
export interface RunResult {
  readonly name: 'sess' | 'replica';
  readonly label: string;
  /** Commands per second, the bench's own taken out. */
  readonly samples: readonly CommandSample[];
  /** Phase boundaries, seconds since the run started. */
  readonly phases: {
    readonly signInsFrom: number;
    readonly firstExpiry: number;
    readonly signInsUntil: number;
    readonly end: number;
  };
  readonly signIns: number;
  /** Sign-ins before the first session could expire (for the per-sign-in cost). */
  readonly signInsBeforeExpiry: number;
  readonly expired: number;
  readonly deliveries: number;
  /** Deliveries about sessions this run did not create (none expected). */
  readonly strays: number;
  /** Calls per command over the run (INFO commandstats; the bench's own INFO and probes out). */
  readonly commandStats: Record<string, number>;
  /** First report of each expiry minus its expiry time (ms), sorted. */
  readonly lateness: readonly number[];
  readonly tickMs: number;
  /** sess only: sessions checked at expiry + 2 ticks, and how many were still in Redis. */
  readonly probed: { readonly checked: number; readonly present: number } | undefined;
  /** Sessions never reported expired by the end of the run. */
  readonly unreported: number;
  readonly extra: Record<string, unknown>;
}

export async function runHerd(
  fleet: Fleet,
  url: string,
  options: HerdOptions,
  describe: () => Record<string, unknown>,
): Promise<RunResult> {
  const { minuteMs, perMinute } = options;
  const idleMs = options.idleMinutes * minuteMs;
  const signInMs = options.signInMinutes * minuteMs;
  const samplerClient = await connectRaw(url);
  const sampler = new CommandSampler(samplerClient);
  log(fleet, `starting ${options.instances} instances`);
  await fleet.start();
  const before = await sampler.commandStats();
  await sampler.start();
  const started = performance.now();
  const t0 = Date.now();
  const seconds = () => (performance.now() - started) / 1000;
  fleet.begin(t0);

  // One quiet minute first: what the fleet costs with nothing to do.
  log(fleet, 'one quiet minute');
  await sleep(minuteMs);

  // A steady stream of sign-ins, round-robin over the instances.
  log(fleet, `sign-ins: ${perMinute} per minute for ${options.signInMinutes} minutes`);
  const signInsFrom = seconds();
  const rate = perMinute / minuteMs;
  const pending = new Set<Promise<void>>();
  let issued = 0;
  let failed = 0;
  let signInsBeforeExpiry = 0;
  const streamStart = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - streamStart;
      const due = Math.floor(Math.min(elapsed, signInMs) * rate) - issued;
      for (let i = 0; i < due; i++) {
        const n = issued++;
        const attempt = fleet.signIn(n, `user${n}`).catch((error: unknown) => {
          failed++;
          if (failed <= 5) console.error('sign-in failed:', error);
        });
        pending.add(attempt);
        void attempt.finally(() => pending.delete(attempt));
      }
      if (elapsed < idleMs) signInsBeforeExpiry = issued;
      if (elapsed >= signInMs) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await Promise.all(pending);
  const signInsUntil = seconds();

  // Until every session was reported and the last ones had a full minute and two ticks.
  log(fleet, 'sign-ins done; waiting for the last expirations');
  const lastExpiry = fleet.ledger.lastExpiry;
  const quietAfter = lastExpiry + minuteMs + 2 * fleet.tickMs + 1_000;
  const giveUpAt = lastExpiry + 20 * minuteMs;
  let probed = fleet.probe ? { checked: 0, present: 0 } : undefined;
  for (;;) {
    const now = Date.now();
    if (fleet.probe && probed) {
      const result = await fleet.probe(now);
      sampler.exclude(result.commands);
      probed = {
        checked: probed.checked + result.checked,
        present: probed.present + result.present,
      };
    }
    const reported = fleet.ledger.expired >= fleet.ledger.signIns;
    if ((reported && now >= quietAfter && fleet.idle()) || now >= giveUpAt) break;
    await sleep(fleet.probe ? 1_000 : 200);
    if (!fleet.probe && Math.round(seconds()) % 10 === 0) {
      log(fleet, `${fleet.ledger.expired}/${fleet.ledger.signIns} reported`);
    }
  }
  const samples = await sampler.stop();
  const after = await sampler.commandStats();
  const end = seconds();
  const extra = describe();
  await fleet.stop();
  await samplerClient.close();

  const commandStats: Record<string, number> = {};
  for (const [name, calls] of after) {
    const delta = calls - (before.get(name) ?? 0);
    if (delta > 0) commandStats[name] = delta;
  }
  // The sampler's INFO calls and the probes are not the fleet's.
  delete commandStats.INFO;
  if (probed && commandStats.EXISTS) commandStats.EXISTS -= probed.checked;

  log(fleet, `done in ${end.toFixed(0)} s`);
  return {
    name: fleet.name,
    label: fleet.label,
    samples,
    phases: {
      signInsFrom,
      firstExpiry: signInsFrom + idleMs / 1000,
      signInsUntil,
      end,
    },
    signIns: fleet.ledger.signIns,
    signInsBeforeExpiry,
    expired: fleet.ledger.expired,
    deliveries: fleet.ledger.deliveries,
    strays: fleet.ledger.strays,
    commandStats,
    lateness: fleet.ledger.lateness(),
    tickMs: fleet.tickMs,
    probed,
    unreported: fleet.ledger.unreported(Date.now()),
    extra: { ...extra, failedSignIns: failed },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(fleet: Fleet, message: string): void {
  console.log(`[${fleet.name}] ${message}`);
}
