export type { SessMetricsOptions } from './metrics-options.js';
export { type MetricsScrape, scrapeMetrics } from './scrape-metrics.js';
export { SessMetrics, sessMetrics } from './sess-metrics.js';
