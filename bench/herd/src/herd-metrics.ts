import type { RunResult } from './herd-run.js';

/** The numbers the benchmark is about, for one run. */
export interface RunSummary {
  readonly name: 'sess' | 'replica';
  readonly label: string;
  readonly signIns: number;
  readonly expired: number;
  /** Redis commands per expired session: all commands of the run except those of the sign-ins. */
  readonly commandsPerExpiredSession: number;
  /** How the sign-ins' share was measured: commands per sign-in before anything could expire. */
  readonly commandsPerSignIn: number;
  /** Commands per second of the fleet doing nothing (the quiet minute). */
  readonly idleCommandsPerSecond: number;
  /** Over the steady part (sign-ins and expirations both going): busiest second ÷ mean second. */
  readonly peakToMean: number;
  readonly peakSecond: number;
  readonly meanSecond: number;
  /** Handler calls (sess) or listener calls (replica) per expired session. */
  readonly deliveriesPerExpiry: number;
  /** Sessions first reported later than expiry + 2 sess cleaner ticks. */
  readonly reportedAfterTwoTicks: number;
  /** sess only: sessions still in Redis at expiry + 2 ticks (every session checked). */
  readonly presentAfterTwoTicks: number | undefined;
  readonly latenessMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Calls per expired session, by command (sign-ins included), biggest first. */
  readonly perCommand: Record<string, number>;
  readonly unreported: number;
}

export function summarize(run: RunResult, sessTickMs: number, minuteMs: number): RunSummary {
  const { samples, phases } = run;
  const inWindow = (from: number, to: number) =>
    samples.filter((sample) => sample.t > from && sample.t <= to).map((sample) => sample.commands);
  const mean = (values: number[]) =>
    values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;

  const idle = mean(inWindow(1, Math.floor(phases.signInsFrom)));
  const beforeExpiry = inWindow(Math.ceil(phases.signInsFrom), Math.floor(phases.firstExpiry));
  const signInsPerSecond = run.signInsBeforeExpiry / (phases.firstExpiry - phases.signInsFrom);
  const perSignIn = (mean(beforeExpiry) - idle) / signInsPerSecond;
  const total = samples.reduce((sum, sample) => sum + sample.commands, 0);
  const forExpiry = total - perSignIn * run.signIns;

  const steady = inWindow(phases.firstExpiry + minuteMs / 1000, Math.floor(phases.signInsUntil));
  const peak = Math.max(0, ...steady);
  const steadyMean = mean(steady);

  const limit = 2 * sessTickMs;
  const lateness = run.lateness;
  const quantile = (q: number) =>
    lateness.length === 0
      ? 0
      : (lateness[Math.min(lateness.length - 1, Math.floor(q * lateness.length))] as number);
  const perCommand: Record<string, number> = {};
  for (const [name, calls] of Object.entries(run.commandStats).sort((a, b) => b[1] - a[1])) {
    perCommand[name] = round(calls / Math.max(1, run.expired), 3);
  }
  return {
    name: run.name,
    label: run.label,
    signIns: run.signIns,
    expired: run.expired,
    commandsPerExpiredSession: round(forExpiry / Math.max(1, run.expired), 2),
    commandsPerSignIn: round(perSignIn, 2),
    idleCommandsPerSecond: round(idle, 1),
    peakToMean: round(steadyMean === 0 ? 0 : peak / steadyMean, 2),
    peakSecond: peak,
    meanSecond: Math.round(steadyMean),
    deliveriesPerExpiry: round(run.deliveries / Math.max(1, run.expired), 3),
    reportedAfterTwoTicks: lateness.filter((ms) => ms > limit).length,
    presentAfterTwoTicks: run.probed?.present,
    latenessMs: {
      p50: quantile(0.5),
      p99: quantile(0.99),
      max: lateness[lateness.length - 1] ?? 0,
    },
    perCommand,
    unreported: run.unreported,
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
