// The statistics scale-down asks of a node's samples, computed in place over a SampleSeries.
//
// Windows are relative to an explicit `nowMs` (pure functions, testable without clocks) and
// half-open: a window of W ms holds the samples with nowMs - W < timestamp ≤ nowMs. Samples
// stamped after nowMs (a clock ahead of ours) are ignored rather than trusted.
//
// Allocation: these run for every node on every scan, so they are written to create no garbage.
// Each loops over the series' Float64Array itself (see SampleSeries), calls helpers only with its
// own arguments or small integers, and returns a boolean, an integer, or writes into a
// caller-owned Float64Array — V8 would box any fractional number passed to or returned from a
// call it does not inline. windowAveragesInto and isUnneeded are allocation-free this way. The
// functions that return a fractional number (windowAverage, windowFractionBelow,
// belowThresholdSince) are convenient for explanations and tests; V8 may box their one result.

import {
  CPU_FIELD,
  MEMORY_FIELD,
  SAMPLE_FIELDS,
  TIMESTAMP_FIELD,
  type SampleSeries,
} from './sample';

// Local copies of the layout constants: the loops read them for every sample, and under the
// CommonJS interop of tsx/esbuild (benchmarks, scripts) an imported binding is a getter call.
const STRIDE = SAMPLE_FIELDS;
const TIMESTAMP = TIMESTAMP_FIELD;
const CPU = CPU_FIELD;
const MEMORY = MEMORY_FIELD;

/**
 * Which number a sample contributes: CPU, memory, or the larger of the two, which is how Cluster
 * Autoscaler judges a node (`utilization = max(cpu, memory)`).
 */
export type UtilizationResource = 'cpu' | 'memory' | 'max';

/** Offsets of the averages written by windowAveragesInto. */
export const AVERAGE_CPU = 0;
export const AVERAGE_MEMORY = 1;
export const AVERAGE_MAX = 2;

/** The sample's utilisation of `resource`. */
export function utilizationAt(
  series: SampleSeries,
  index: number,
  resource: UtilizationResource,
): number {
  switch (resource) {
    case 'cpu':
      return series.cpuAt(index);
    case 'memory':
      return series.memoryAt(index);
    case 'max':
      return Math.max(series.cpuAt(index), series.memoryAt(index));
  }
}

/** Number of samples in the window. */
export function windowSampleCount(series: SampleSeries, nowMs: number, windowMs: number): number {
  checkWindow(nowMs, windowMs);
  return firstIndexAfter(series, nowMs, 0) - firstIndexAfter(series, nowMs, windowMs);
}

/**
 * Mean CPU, memory and max(cpu, memory) over the window, written to out[AVERAGE_CPU],
 * out[AVERAGE_MEMORY] and out[AVERAGE_MAX] (NaN when the window is empty); returns the number of
 * samples averaged. Allocation-free: allocate `out` (length ≥ 3) once and reuse it.
 */
export function windowAveragesInto(
  series: SampleSeries,
  nowMs: number,
  windowMs: number,
  out: Float64Array,
): number {
  checkWindow(nowMs, windowMs);
  if (out.length < 3)
    throw new RangeError(`windowAveragesInto needs out.length ≥ 3, got ${out.length}`);
  const from = firstIndexAfter(series, nowMs, windowMs);
  const count = firstIndexAfter(series, nowMs, 0) - from;
  if (count <= 0) {
    out[AVERAGE_CPU] = out[AVERAGE_MEMORY] = out[AVERAGE_MAX] = NaN;
    return 0;
  }
  const { slots, capacity } = series;
  let slot = physicalSlot(series, from);
  let cpu = 0;
  let memory = 0;
  let max = 0;
  for (let i = 0; i < count; i++) {
    const base = slot * STRIDE;
    const sampleCpu = slots[base + CPU]!;
    const sampleMemory = slots[base + MEMORY]!;
    cpu += sampleCpu;
    memory += sampleMemory;
    max += Math.max(sampleCpu, sampleMemory);
    if (++slot === capacity) slot = 0;
  }
  out[AVERAGE_CPU] = cpu / count;
  out[AVERAGE_MEMORY] = memory / count;
  out[AVERAGE_MAX] = max / count;
  return count;
}

// Scratch space for windowAverage; safe because the functions here are synchronous.
const scratch = new Float64Array(3);

/** Mean utilisation over the window, or undefined when the window holds no sample. */
export function windowAverage(
  series: SampleSeries,
  nowMs: number,
  windowMs: number,
  resource: UtilizationResource,
): number | undefined {
  if (windowAveragesInto(series, nowMs, windowMs, scratch) === 0) return undefined;
  return scratch[resourceOffset(resource)];
}

/**
 * Fraction (0..1) of the window's samples strictly below `threshold`, or undefined when the
 * window holds no sample. The earlier Go controller required ≥ 80 % of samples below 50 %.
 */
export function windowFractionBelow(
  series: SampleSeries,
  nowMs: number,
  windowMs: number,
  threshold: number,
  resource: UtilizationResource,
): number | undefined {
  checkWindow(nowMs, windowMs);
  const from = firstIndexAfter(series, nowMs, windowMs);
  const count = firstIndexAfter(series, nowMs, 0) - from;
  if (count <= 0) return undefined;
  const { slots, capacity } = series;
  let slot = physicalSlot(series, from);
  let below = 0;
  for (let i = 0; i < count; i++) {
    const base = slot * STRIDE;
    const cpu = slots[base + CPU]!;
    const memory = slots[base + MEMORY]!;
    const value = resource === 'cpu' ? cpu : resource === 'memory' ? memory : Math.max(cpu, memory);
    if (value < threshold) below++;
    if (++slot === capacity) slot = 0;
  }
  return below / count;
}

/** How a node group decides that a node is unneeded; build it once with unneededRule. */
export interface UnneededRule {
  /** Utilisation strictly below this (a fraction of allocatable) counts as low. */
  readonly threshold: number;
  /** How long utilisation must have stayed low. */
  readonly unneededMs: number;
  /** Longest tolerated gap between samples, and between the newest sample and now. */
  readonly maxGapMs: number;
  readonly resource: UtilizationResource;
}

export interface UnneededRuleOptions {
  /** Default 0.5, Cluster Autoscaler's scale-down-utilization-threshold. */
  threshold?: number;
  /** Default 600 s, Cluster Autoscaler's scale-down-unneeded-time. */
  unneededSeconds?: number;
  /** The sampler's interval; the default gap tolerance is derived from it. Default 60 s. */
  sampleIntervalSeconds?: number;
  /** Default 2.5 × sampleIntervalSeconds: one missed sample plus half an interval of jitter. */
  maxGapSeconds?: number;
  /** Default 'max', as Cluster Autoscaler does. */
  resource?: UtilizationResource;
}

/** An UnneededRule with Cluster Autoscaler's defaults for whatever is not given. */
export function unneededRule(options: UnneededRuleOptions = {}): UnneededRule {
  const threshold = options.threshold ?? 0.5;
  const unneededSeconds = options.unneededSeconds ?? 600;
  const intervalSeconds = options.sampleIntervalSeconds ?? 60;
  const maxGapSeconds = options.maxGapSeconds ?? 2.5 * intervalSeconds;
  if (!(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`utilisation threshold must be in (0, 1], got ${threshold}`);
  }
  for (const [name, value] of [
    ['unneededSeconds', unneededSeconds],
    ['sampleIntervalSeconds', intervalSeconds],
    ['maxGapSeconds', maxGapSeconds],
  ] as const) {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`${name} must be a finite number of seconds ≥ 0, got ${value}`);
    }
  }
  return {
    threshold,
    unneededMs: unneededSeconds * 1000,
    maxGapMs: maxGapSeconds * 1000,
    resource: options.resource ?? 'max',
  };
}

/**
 * Timestamp of the first sample of the unbroken run of below-threshold samples that ends with the
 * newest sample at or before `nowMs`; undefined when there is no such run. The run is broken by a
 * sample at or above the threshold and by a gap longer than rule.maxGapMs — between two samples,
 * or between the newest sample and now — because missing samples mean we do not know the node
 * stayed idle, and removing a node on stale data is the expensive mistake.
 */
export function belowThresholdSince(
  series: SampleSeries,
  nowMs: number,
  rule: UnneededRule,
): number | undefined {
  const start = lowRunStart(series, nowMs, rule, false);
  return start < 0 ? undefined : timestampOf(series, start);
}

/**
 * Cluster Autoscaler's candidate test: utilisation below the threshold, continuously, for at
 * least the unneeded time (measured from the first low sample of the run to now).
 * Allocation-free.
 */
export function isUnneeded(series: SampleSeries, nowMs: number, rule: UnneededRule): boolean {
  const start = lowRunStart(series, nowMs, rule, true);
  if (start < 0) return false;
  // Read in place rather than via timestampOf(), whose fractional result V8 might box.
  const since = series.slots[physicalSlot(series, start) * STRIDE + TIMESTAMP]!;
  return nowMs - since >= rule.unneededMs;
}

/**
 * Index of the first sample of the low run (see belowThresholdSince), or -1. With
 * `stopOnceUnneeded` the walk back stops as soon as the run spans rule.unneededMs, which is all
 * isUnneeded needs to know: an idle node then costs a walk over the unneeded time, not over the
 * whole retention.
 */
function lowRunStart(
  series: SampleSeries,
  nowMs: number,
  rule: UnneededRule,
  stopOnceUnneeded: boolean,
): number {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be finite, got ${nowMs}`);
  const { threshold, maxGapMs, unneededMs, resource } = rule;
  if (!(maxGapMs >= 0)) throw new RangeError(`maxGapMs must be ≥ 0, got ${maxGapMs}`);
  const newest = firstIndexAfter(series, nowMs, 0) - 1;
  if (newest < 0) return -1;
  // `+nowMs` gives V8 a value it knows is a number. Mixed in one expression with numbers read
  // from the Float64Array, the bare argument (of unknown type to the optimiser) made V8 box the
  // result on every step of the loop — measured at hundreds of bytes per call.
  const now = +nowMs;
  const { slots, capacity } = series;
  let slot = physicalSlot(series, newest);
  let later = -1; // storage offset of the next newer sample; -1 while at the newest
  let start = -1;
  for (let i = newest; i >= 0; i--) {
    const base = slot * STRIDE;
    const timestamp = slots[base + TIMESTAMP]!;
    // The newest sample is measured against now, so the same test rejects stale data.
    const laterTimestamp = later < 0 ? now : slots[later + TIMESTAMP]!;
    const cpu = slots[base + CPU]!;
    const memory = slots[base + MEMORY]!;
    const value = resource === 'cpu' ? cpu : resource === 'memory' ? memory : Math.max(cpu, memory);
    if (laterTimestamp - timestamp > maxGapMs || !(value < threshold)) break;
    start = i;
    if (stopOnceUnneeded && now - timestamp >= unneededMs) break;
    later = base;
    slot = slot === 0 ? capacity - 1 : slot - 1;
  }
  return start;
}

/** Index of the first sample stamped after nowMs - minusMs (size when none): binary search. */
function firstIndexAfter(series: SampleSeries, nowMs: number, minusMs: number): number {
  const afterMs = nowMs - minusMs;
  const { slots, capacity, oldestSlot, size } = series;
  if (size === 0) return 0;
  // Fast path for the usual question about "now": everything is at or before it.
  const newest = oldestSlot + size - 1;
  if (slots[(newest >= capacity ? newest - capacity : newest) * STRIDE + TIMESTAMP]! <= afterMs) {
    return size;
  }
  let low = 0;
  let high = size - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const physical = oldestSlot + middle;
    const slot = physical >= capacity ? physical - capacity : physical;
    if (slots[slot * STRIDE + TIMESTAMP]! <= afterMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

function physicalSlot(series: SampleSeries, index: number): number {
  const physical = series.oldestSlot + index;
  return physical >= series.capacity ? physical - series.capacity : physical;
}

function timestampOf(series: SampleSeries, index: number): number {
  return series.slots[physicalSlot(series, index) * STRIDE + TIMESTAMP]!;
}

function resourceOffset(resource: UtilizationResource): number {
  return resource === 'cpu' ? AVERAGE_CPU : resource === 'memory' ? AVERAGE_MEMORY : AVERAGE_MAX;
}

function checkWindow(nowMs: number, windowMs: number): void {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be finite, got ${nowMs}`);
  if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new RangeError(`window must be a finite number of milliseconds > 0, got ${windowMs}`);
  }
}
