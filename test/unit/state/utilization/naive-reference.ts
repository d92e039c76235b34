// Deliberately plain reference implementations, written straight from the definitions with arrays
// and filters, that the property tests compare the optimised code against.
import type {
  SampleSeries,
  UtilizationResource,
  UtilizationSample,
} from '../../../../src/state/utilization';

/** What a bounded history must hold after `pushes`: the last `capacity` samples, same-time replaced. */
export function naiveRetained(
  pushes: readonly UtilizationSample[],
  capacity: number,
): UtilizationSample[] {
  const kept: UtilizationSample[] = [];
  for (const sample of pushes) {
    const newest = kept[kept.length - 1];
    if (newest !== undefined && newest.timestampMs === sample.timestampMs) kept.pop();
    kept.push(sample);
    if (kept.length > capacity) kept.shift();
  }
  return kept;
}

export function value(sample: UtilizationSample, resource: UtilizationResource): number {
  if (resource === 'cpu') return sample.cpu;
  if (resource === 'memory') return sample.memory;
  return Math.max(sample.cpu, sample.memory);
}

export function inWindow(samples: readonly UtilizationSample[], nowMs: number, windowMs: number) {
  return samples.filter((s) => s.timestampMs > nowMs - windowMs && s.timestampMs <= nowMs);
}

export function naiveAverage(
  samples: readonly UtilizationSample[],
  nowMs: number,
  windowMs: number,
  resource: UtilizationResource,
): number | undefined {
  const window = inWindow(samples, nowMs, windowMs);
  if (window.length === 0) return undefined;
  let sum = 0;
  for (const s of window) sum += value(s, resource);
  return sum / window.length;
}

export function naiveFractionBelow(
  samples: readonly UtilizationSample[],
  nowMs: number,
  windowMs: number,
  threshold: number,
  resource: UtilizationResource,
): number | undefined {
  const window = inWindow(samples, nowMs, windowMs);
  if (window.length === 0) return undefined;
  return window.filter((s) => value(s, resource) < threshold).length / window.length;
}

/** Walks forward in time, restarting the run at every high sample or long gap. */
export function naiveBelowSince(
  samples: readonly UtilizationSample[],
  nowMs: number,
  threshold: number,
  maxGapMs: number,
  resource: UtilizationResource,
): number | undefined {
  const seen = samples.filter((s) => s.timestampMs <= nowMs);
  let since: number | undefined;
  let previous: number | undefined;
  for (const s of seen) {
    const low = value(s, resource) < threshold;
    const gapBroken = previous !== undefined && s.timestampMs - previous > maxGapMs;
    if (!low) since = undefined;
    else if (since === undefined || gapBroken) since = s.timestampMs;
    previous = s.timestampMs;
  }
  if (previous === undefined || nowMs - previous > maxGapMs) return undefined;
  return since;
}

export function seriesToArray(series: SampleSeries): UtilizationSample[] {
  const out: UtilizationSample[] = [];
  for (let i = 0; i < series.size; i++) {
    out.push({
      timestampMs: series.timestampAt(i),
      cpu: series.cpuAt(i),
      memory: series.memoryAt(i),
    });
  }
  return out;
}
