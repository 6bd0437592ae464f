import { type Registry, register } from 'prom-client';

/** A `/metrics` answer: the registry's text and the content type to send it with. */
export interface MetricsScrape {
  readonly contentType: string;
  readonly body: string;
}

/**
 * Renders a registry for a `/metrics` route, whatever the framework:
 *
 * ```ts
 * app.get('/metrics', async (_req, res) => {
 *   const { contentType, body } = await scrapeMetrics();
 *   res.type(contentType).send(body);
 * });
 * ```
 */
export async function scrapeMetrics(registry: Registry = register): Promise<MetricsScrape> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
