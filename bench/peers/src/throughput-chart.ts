import type { BenchResults } from './results.js';
import type { ScenarioId } from './scenarios.js';
import { type Framework, frameworkName, type Kind, peerName } from './stacks.js';
import { requestsPerSecond, roundRatio } from './targets.js';

const WIDTH = 960;
const PANEL_TOP = 112;
const PLOT_HEIGHT = 250;
const HEIGHT = PANEL_TOP + PLOT_HEIGHT + 96;
const MARGIN_X = 24;
const PANEL_GAP = 28;
/** The widest a bar gets; narrower when a panel has to fit more (four frameworks, four stacks). */
const BAR = 20;
const BAR_GAP = 3;
const GROUP_GAP = 26;
/** Room left of a panel's plot for its scale. */
const AXIS = 44;

/** The scenarios the chart shows: what a session costs (the anonymous request has none). */
const SCENARIOS: ReadonlyArray<readonly [ScenarioId, string]> = [
  ['read', 'read'],
  ['write', 'write'],
  ['sign-in', 'sign-in'],
];
/** `ratioColor`: the bar carries its ratio to the peer, in that colour. */
interface Bar {
  readonly kind: Kind;
  readonly label: string;
  readonly color: string;
  readonly ratioColor?: string;
}
const BARS: readonly Bar[] = [
  { kind: 'bare', label: 'no sessions', color: '#b8b8b8' },
  { kind: 'sess', label: 'sess', color: '#0b7a75', ratioColor: '#0b7a75' },
  {
    kind: 'sess-cache',
    label: 'sess with its read cache',
    color: '#6cc5b0',
    ratioColor: '#2b8a7e',
  },
  { kind: 'peer', label: 'the peer', color: '#d9480f' },
];

/**
 * Requests per second of each framework's stacks (no sessions, sess, sess with its read cache
 * where measured, the peer) for a read, a write and a sign-in, from one run's results, as plain
 * SVG (no dependency). Each framework has a scale of its own (their throughputs differ by a
 * factor of four), and each sess bar carries its ratio to the peer, the headline figure.
 */
export function throughputChart(results: BenchResults): string {
  const frameworks = [...new Set(results.throughput.map((run) => run.stack.framework))];
  const panelWidth =
    (WIDTH - 2 * MARGIN_X - (frameworks.length - 1) * PANEL_GAP) / frameworks.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN_X}" y="28" font-size="16" font-weight="600" fill="#111">Requests per second: sess and the session library each framework's users reach for</text>`,
    `<text x="${MARGIN_X}" y="48" fill="#555">${escapeXml(subtitle(results))}</text>`,
  ];
  const present = BARS.filter(({ kind }) =>
    results.throughput.some((run) => run.stack.kind === kind),
  );
  present.forEach(({ label, color }, i) => {
    const x = MARGIN_X + i * 190;
    parts.push(
      `<rect x="${x}" y="64" width="14" height="14" fill="${color}"/>`,
      `<text x="${x + 20}" y="76" fill="#222">${escapeXml(label)}</text>`,
    );
  });
  frameworks.forEach((framework, f) => {
    parts.push(...panel(results, framework, MARGIN_X + f * (panelWidth + PANEL_GAP), panelWidth));
  });
  parts.push(
    `<text x="${MARGIN_X}" y="${HEIGHT - 14}" fill="#666" font-size="11">Labels on the sess bars: that stack ÷ the peer. Median round of each scenario; the full tables, the machine and the method are in bench/RESULTS.md.</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function panel(results: BenchResults, framework: Framework, left: number, width: number): string[] {
  const bars = BARS.filter(({ kind }) =>
    SCENARIOS.some(([scenario]) => requestsPerSecond(results, framework, kind, scenario)),
  );
  const values = SCENARIOS.flatMap(([scenario]) =>
    bars.map(({ kind }) => requestsPerSecond(results, framework, kind, scenario) ?? 0),
  );
  const top = niceCeiling(Math.max(1, ...values));
  const bottom = PANEL_TOP + PLOT_HEIGHT;
  const y = (value: number) => bottom - (value / top) * PLOT_HEIGHT;
  const plotLeft = left + AXIS;
  const groups = SCENARIOS.length;
  const gaps = (groups - 1) * GROUP_GAP + groups * (bars.length - 1) * BAR_GAP;
  const bar = Math.max(4, Math.min(BAR, (width - AXIS - gaps) / (groups * bars.length)));
  const groupWidth = bars.length * bar + (bars.length - 1) * BAR_GAP;
  const used = groups * groupWidth + (groups - 1) * GROUP_GAP;
  const start = plotLeft + (width - AXIS - used) / 2;
  const parts: string[] = [
    `<text x="${left + width / 2}" y="${PANEL_TOP - 14}" text-anchor="middle" font-size="13" font-weight="600" fill="#111">${escapeXml(frameworkName(framework))}</text>`,
    ...peerLines(framework, width).map(
      (line, i) =>
        `<text x="${left + width / 2}" y="${bottom + 44 + i * 14}" text-anchor="middle" fill="#666" font-size="11">${escapeXml(line)}</text>`,
    ),
  ];
  for (let step = 0; step <= 4; step++) {
    const value = (top / 4) * step;
    parts.push(
      `<line x1="${plotLeft}" x2="${left + width}" y1="${y(value)}" y2="${y(value)}" stroke="${step === 0 ? '#888' : '#eeeeee'}"/>`,
      `<text x="${plotLeft - 6}" y="${y(value) + 4}" text-anchor="end" fill="#555" font-size="11">${thousands(value)}</text>`,
    );
  }
  SCENARIOS.forEach(([scenario, label], s) => {
    const groupLeft = start + s * (groupWidth + GROUP_GAP);
    // Labels of neighbouring bars of about the same height would overlap: the next one goes
    // a line higher.
    let previousLabel: number | undefined;
    bars.forEach(({ kind, color, ratioColor }, b) => {
      const value = requestsPerSecond(results, framework, kind, scenario);
      if (value === undefined) return;
      const x = groupLeft + b * (bar + BAR_GAP);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${bar.toFixed(1)}" height="${(bottom - y(value)).toFixed(1)}" fill="${color}"><title>${escapeXml(`${frameworkName(framework)}, ${label}, ${kind}: ${value.toFixed(0)} req/s`)}</title></rect>`,
      );
      // The same ratio as the report's: the median of the rounds' ratios.
      const versusPeer =
        ratioColor === undefined
          ? undefined
          : roundRatio(results, framework, kind, 'peer', scenario);
      if (versusPeer === undefined) {
        previousLabel = undefined;
        return;
      }
      let labelY = y(value) - 6;
      if (previousLabel !== undefined && Math.abs(previousLabel - labelY) < 12) {
        labelY = Math.min(labelY, previousLabel) - 12;
      }
      previousLabel = labelY;
      parts.push(
        // A white outline keeps a label legible where it runs over a neighbouring bar.
        `<text x="${(x + bar / 2).toFixed(1)}" y="${labelY.toFixed(1)}" text-anchor="middle" font-size="11" font-weight="600" fill="${ratioColor}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${versusPeer.toFixed(2)}×</text>`,
      );
    });
    parts.push(
      `<text x="${(groupLeft + groupWidth / 2).toFixed(1)}" y="${bottom + 18}" text-anchor="middle" fill="#333">${escapeXml(label)}</text>`,
    );
  });
  return parts;
}

/** "peer: …" under a panel, broken before a " + " where it would be wider than the panel. */
function peerLines(framework: Framework, width: number): string[] {
  const characters = Math.floor(width / 6);
  const lines: string[] = [];
  let line = 'peer:';
  for (const part of peerName(framework).split(' + ')) {
    const joined = line === 'peer:' ? `${line} ${part}` : `${line} + ${part}`;
    if (joined.length <= characters || line === 'peer:') line = joined;
    else {
      lines.push(`${line} +`);
      line = part;
    }
  }
  return [...lines, line];
}

function subtitle(results: BenchResults): string {
  const machine = results.machine;
  const pinned = results.settings.cpus === undefined ? '' : '; each server on a CPU of its own';
  return `One run at ${results.revision}, ${results.startedAt.slice(0, 10)}: ${machine.cpus} CPUs (${machine.cpuModel}), Node.js ${machine.node}, redis-server ${machine.redisServer}${pinned}.`;
}

/** The smallest of 1, 2, 4, 5 or 8 times a power of ten at or above `value`: quarters stay round. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 4, 5, 8, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function thousands(value: number): string {
  if (value < 1000) return `${value}`;
  const text = (value / 1000).toFixed(1);
  return `${text.endsWith('.0') ? text.slice(0, -2) : text}k`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
