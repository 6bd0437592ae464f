import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { PACKAGE_DIR } from './package-dir.js';
import type { BenchResults } from './results.js';
import { throughputChart } from './throughput-chart.js';

// Draws the throughput chart again from a run's JSON, without running the benchmark (the full
// run draws it too).
const { values } = parseArgs({
  options: {
    json: { type: 'string', default: `${PACKAGE_DIR}/results/results.json` },
    svg: { type: 'string', default: `${PACKAGE_DIR}/results/throughput.svg` },
  },
});
const results = JSON.parse(await readFile(values.json, 'utf8')) as BenchResults;
await writeFile(values.svg, throughputChart(results));
console.log(`wrote ${values.svg} from ${values.json}`);
