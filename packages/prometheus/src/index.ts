// `@sess/prometheus`: the collectors (`sessMetrics`, an observer for stores) and a scrape helper.
export type { SessMetricsOptions } from './metrics-options.js';
export { type MetricsScrape, scrapeMetrics } from './scrape-metrics.js';
export { type SessMetrics, sessMetrics } from './sess-metrics.js';
