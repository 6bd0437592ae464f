import type { RunResult } from './herd-run.js';

const WIDTH = 960;
const HEIGHT = 500;
const MARGIN = { left: 78, right: 24, top: 78, bottom: 64 };
const COLORS: Record<RunResult['name'], string> = { sess: '#0b7a75', replica: '#d9480f' };

/**
 * A line chart of Redis commands per second over each run, both runs on one log-scale axis,
 * as plain SVG (no dependency).
 */
export function herdChart(runs: readonly RunResult[], title: string, subtitle: string): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const maxT = Math.max(10, ...runs.flatMap((run) => run.samples.map((sample) => sample.t)));
  const values = runs.flatMap((run) => run.samples.map((sample) => sample.commands));
  const top = Math.ceil(Math.log10(Math.max(10, ...values)));
  const bottom = Math.max(
    0,
    Math.min(
      top - 1,
      Math.floor(Math.log10(Math.max(1, Math.min(...values.filter((v) => v > 0))))),
    ),
  );
  const x = (t: number) => MARGIN.left + (t / maxT) * plotWidth;
  const y = (value: number) => {
    const clamped = Math.max(10 ** bottom, value);
    return MARGIN.top + plotHeight - ((Math.log10(clamped) - bottom) / (top - bottom)) * plotHeight;
  };

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="26" font-size="16" font-weight="600" fill="#111">${escapeXml(title)}</text>`,
    `<text x="${MARGIN.left}" y="46" fill="#555">${escapeXml(subtitle)}</text>`,
  );
  // Decades on the y axis.
  for (let power = bottom; power <= top; power++) {
    const at = y(10 ** power);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${at}" y2="${at}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 8}" y="${at + 4}" text-anchor="end" fill="#444">${decade(power)}</text>`,
    );
  }
  // Seconds on the x axis.
  const step = maxT > 240 ? 60 : maxT > 120 ? 30 : 10;
  for (let t = 0; t <= maxT; t += step) {
    parts.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight + 5}" stroke="#888"/>`,
      `<text x="${x(t)}" y="${MARGIN.top + plotHeight + 20}" text-anchor="middle" fill="#444">${t}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 18}" text-anchor="middle" fill="#333">seconds since the run started</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#333">Redis commands per second (log scale)</text>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#888"/>`,
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#888"/>`,
  );
  // The phases (the same timeline for both runs).
  const phases = runs[0]?.phases;
  if (phases) {
    const marks: Array<[number, string]> = [
      [phases.signInsFrom, 'sign-ins start'],
      [phases.firstExpiry, 'first expirations'],
      [phases.signInsUntil, 'sign-ins stop'],
    ];
    for (const [t, label] of marks) {
      parts.push(
        `<line x1="${x(t)}" x2="${x(t)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#999" stroke-dasharray="4 4"/>`,
        `<text x="${x(t) + 4}" y="${MARGIN.top + 12}" fill="#777" font-size="11">${label}</text>`,
      );
    }
  }
  // The lines.
  for (const run of runs) {
    const points = run.samples.map(
      (sample) => `${x(sample.t).toFixed(1)},${y(sample.commands).toFixed(1)}`,
    );
    parts.push(
      `<polyline fill="none" stroke="${COLORS[run.name]}" stroke-width="1.8" stroke-linejoin="round" points="${points.join(' ')}"/>`,
    );
  }
  // The legend.
  runs.forEach((run, i) => {
    const lx = MARGIN.left + 12 + i * 300;
    const ly = 64;
    parts.push(
      `<line x1="${lx}" x2="${lx + 26}" y1="${ly}" y2="${ly}" stroke="${COLORS[run.name]}" stroke-width="3"/>`,
      `<text x="${lx + 32}" y="${ly + 4}" fill="#222">${escapeXml(run.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function decade(power: number): string {
  const value = 10 ** power;
  if (value >= 1_000_000) return `${value / 1_000_000}M`;
  if (value >= 1_000) return `${value / 1_000}k`;
  return String(value);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
