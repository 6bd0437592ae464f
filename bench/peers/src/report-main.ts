import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_DIR } from './package-dir.js';
import { renderMarkdown } from './report.js';
import type { BenchResults } from './results.js';
import { throughputChart } from './throughput-chart.js';

// Writes the report and the throughput chart again from a run's JSON, without running the
// benchmark (the full run writes them too): for a change of how the figures are presented.
const { values } = parseArgs({
  options: {
    json: { type: 'string', default: `${PACKAGE_DIR}/results/results.json` },
    out: { type: 'string', default: `${PACKAGE_DIR}/../RESULTS.md` },
    svg: { type: 'string', default: `${PACKAGE_DIR}/results/throughput.svg` },
  },
});
const results = JSON.parse(await readFile(values.json, 'utf8')) as BenchResults;
await writeFile(values.out, renderMarkdown(results, relative(dirname(values.out), values.json)));
await writeFile(values.svg, throughputChart(results));
console.log(`wrote ${values.out} and ${values.svg} from ${values.json}`);
