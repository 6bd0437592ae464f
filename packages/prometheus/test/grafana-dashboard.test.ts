import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { sessMetrics } from '../src/index.js';

// The dashboard in examples/grafana must only ask for metrics this package exports.

const dashboard = JSON.parse(
  readFileSync(new URL('../../../examples/grafana/sess-dashboard.json', import.meta.url), 'utf8'),
) as { panels: Array<{ targets?: Array<{ expr: string }> }>; templating: unknown };

describe('the Grafana dashboard', () => {
  it('queries only metrics @sess/prometheus exports', async () => {
    const registry = new Registry();
    sessMetrics({ registry, gauges: 'never' });
    const exported = new Set((await registry.getMetricsAsJSON()).map((metric) => metric.name));
    const queried = new Set<string>();
    const text = JSON.stringify(dashboard);
    for (const [name] of text.matchAll(/\bsess_[a-z_]+/g)) {
      queried.add(name.replace(/_(bucket|sum|count)$/, ''));
    }
    expect(queried.size).toBeGreaterThan(10);
    for (const name of queried) expect(exported, name).toContain(name);
    const expressions = dashboard.panels.flatMap((panel) => panel.targets ?? []);
    expect(expressions.length).toBeGreaterThan(20);
  });
});
