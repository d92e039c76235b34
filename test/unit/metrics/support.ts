// Helpers shared by the metrics tests: a fresh registry per test, and reading recorded values
// back out of it the way a scrape would see them.
import { Registry } from 'prom-client';
import { createMetrics } from '../../../src/metrics/recorders';

export function freshMetrics(now: () => number = () => 0) {
  const registry = new Registry();
  return { registry, metrics: createMetrics(registry, { processMetrics: false, now }) };
}

type Labels = Record<string, string>;

function sameLabels(actual: Record<string, string | number | undefined>, expected: Labels) {
  const keys = Object.keys(actual).filter((k) => actual[k] !== undefined);
  return (
    keys.length === Object.keys(expected).length &&
    keys.every((k) => String(actual[k]) === expected[k])
  );
}

async function samples(registry: Registry, name: string) {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  return (await metric.get()).values;
}

/** Value of the counter/gauge series with exactly these labels, or undefined if absent. */
export async function valueOf(
  registry: Registry,
  name: string,
  labels: Labels = {},
): Promise<number | undefined> {
  const found = (await samples(registry, name)).filter((s) => sameLabels(s.labels, labels));
  if (found.length > 1) throw new Error(`${found.length} series of ${name} match`);
  return found[0]?.value;
}

/** Count, sum and cumulative buckets of the histogram series with exactly these labels. */
export async function histogramOf(registry: Registry, name: string, labels: Labels) {
  const all = await samples(registry, name);
  const pick = (suffix: string, extra: Labels = {}) =>
    all.find(
      (s) =>
        (s as { metricName?: string }).metricName === name + suffix &&
        sameLabels(s.labels, { ...labels, ...extra }),
    )?.value;
  const buckets: Record<string, number> = {};
  for (const s of all) {
    const { le, ...rest } = s.labels as Record<string, string | number>;
    if (
      (s as { metricName?: string }).metricName === `${name}_bucket` &&
      sameLabels(rest, labels)
    ) {
      buckets[String(le)] = s.value;
    }
  }
  return { count: pick('_count'), sum: pick('_sum'), buckets };
}
