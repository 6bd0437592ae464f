import type { BenchResults, PreviousRun } from './results.js';
import { SCENARIOS } from './scenarios.js';
import type { Framework, Kind } from './stacks.js';
import { frameworkName } from './stacks.js';
import { ratio, throughputRun, times } from './targets.js';

/**
 * "sess (cache off) now ÷ sess at the previous committed run", per framework and scenario:
 * how a change of sess moved its routes without the cache. Not a target: the two runs may have
 * had different machines, so the table shows the figures that carry over between machines
 * (sess ÷ no sessions of each run, CPU per request) next to the raw ratio.
 */
export function previousRunSection(results: BenchResults): string[] {
  const previous = results.previous;
  const heading = '## sess with its cache off, against the previous committed run';
  if (previous === undefined) {
    return [
      heading,
      '',
      'No previous results were committed (or git was not available), so there is nothing to compare with.',
      '',
    ];
  }
  const frameworks = [...new Set(results.throughput.map((run) => run.stack.framework))];
  const rows: string[] = [];
  for (const framework of frameworks) {
    for (const scenario of SCENARIOS) {
      const now = throughputRun(results, framework, 'sess', scenario.id);
      if (now === undefined) continue;
      const then = earlier(previous, framework, 'sess', scenario.id);
      const bareNow = throughputRun(results, framework, 'bare', scenario.id)?.load
        .requestsPerSecond;
      const bareThen = earlier(previous, framework, 'bare', scenario.id)?.requestsPerSecond;
      const nowRate = now.load.requestsPerSecond;
      const ofBareNow = ratio(nowRate, bareNow);
      const ofBareThen = ratio(then?.requestsPerSecond, bareThen);
      rows.push(
        `| ${frameworkName(framework)} | ${scenario.id} | ${nowRate.toFixed(0)} | ${then === undefined ? 'not measured then' : then.requestsPerSecond.toFixed(0)} | ` +
          `${times(ratio(nowRate, then?.requestsPerSecond))} | ${now.serverCpuPerRequest.toFixed(0)} / ${then?.serverCpuPerRequest.toFixed(0) ?? '–'} | ` +
          `${times(ratio(then?.serverCpuPerRequest, now.serverCpuPerRequest))} | ${times(ofBareNow)} / ${times(ofBareThen)} | ${times(ratio(ofBareNow, ofBareThen))} |`,
      );
    }
  }
  const machine = (m: PreviousRun['machine']) => `${m.cpus} × ${m.cpuModel}, Node.js ${m.node}`;
  const sameProcessor =
    previous.machine.cpuModel === results.machine.cpuModel &&
    previous.machine.cpus === results.machine.cpus;
  return [
    heading,
    '',
    `**Not a target.** sess without its read cache in this run, against sess in ${previous.source} (a run at ${previous.revision} on ${previous.startedAt.slice(0, 10)}): ${machine(previous.machine)} then, ${machine(results.machine)} now${sameProcessor ? ' (the same processor model; not necessarily the same machine or the same neighbours)' : ' (another processor)'}. ` +
      'Requests per second follow the machine and whatever else it ran at the time, so "now ÷ then" compares two machines as much as two versions of sess, and a route can only be called slower where the steadier figures agree: server CPU per request, and sess ÷ no sessions, measured in the same rounds of each run, which cancels most of the machine\'s speed.',
    '',
    '| Framework | Scenario | sess req/s now | then | now ÷ then | server CPU µs per request now / then | then ÷ now by CPU | sess ÷ no sessions now / then | now ÷ then of that |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ];
}

function earlier(
  previous: PreviousRun,
  framework: Framework,
  kind: Kind,
  scenario: string,
): PreviousRun['throughput'][number] | undefined {
  return previous.throughput.find(
    (run) =>
      run.stack.framework === framework && run.stack.kind === kind && run.scenario === scenario,
  );
}
