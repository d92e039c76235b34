// The baseline the ring buffer is measured against: what the earlier Go controller did, in
// idiomatic JavaScript. Each node has an array of sample objects; a new sample is appended and
// samples older than the retention are trimmed from the front (shift, the JavaScript counterpart
// of re-slicing); a reader gets a copy of the array (Go's GetSamples copied under the lock) and
// filters it to the window.

export interface NaiveSample {
  timestampMs: number;
  cpu: number;
  memory: number;
}

export class NaiveSampleStore {
  private readonly samples = new Map<string, NaiveSample[]>();

  constructor(private readonly retentionMs: number) {}

  add(nodeName: string, timestampMs: number, cpu: number, memory: number): void {
    let list = this.samples.get(nodeName);
    if (list === undefined) {
      list = [];
      this.samples.set(nodeName, list);
    }
    list.push({ timestampMs, cpu, memory });
    const cutoff = timestampMs - this.retentionMs;
    while (list.length > 0 && list[0]!.timestampMs <= cutoff) list.shift();
  }

  /** A copy of the node's samples, oldest first. */
  getSamples(nodeName: string): NaiveSample[] {
    return this.samples.get(nodeName)?.slice() ?? [];
  }

  /** The live array, for the in-place variant of the statistics (no copy). */
  peek(nodeName: string): readonly NaiveSample[] {
    return this.samples.get(nodeName) ?? [];
  }
}

const maxOf = (s: NaiveSample) => Math.max(s.cpu, s.memory);

/**
 * The scale-down query the benchmark asks of every node: average CPU and memory over the window
 * (written to averages[0] and [1]) plus "below the threshold continuously for unneededMs", over a
 * plain array the naive way (filter to the window, then loop). Returns the number of samples
 * averaged + 1000 when unneeded — the same contract as the ring's query in the benchmark.
 */
export function naiveScaleDownQuery(
  samples: readonly NaiveSample[],
  nowMs: number,
  windowMs: number,
  threshold: number,
  unneededMs: number,
  maxGapMs: number,
  averages: Float64Array,
): number {
  const inWindow = samples.filter(
    (s) => s.timestampMs > nowMs - windowMs && s.timestampMs <= nowMs,
  );
  let cpu = 0;
  let memory = 0;
  for (const s of inWindow) {
    cpu += s.cpu;
    memory += s.memory;
  }
  const count = inWindow.length;
  averages[0] = cpu / count;
  averages[1] = memory / count;
  return count + (naiveUnneeded(samples, nowMs, threshold, unneededMs, maxGapMs) ? 1000 : 0);
}

/** The same query computed with index loops directly over the array: no copy, no filter. */
export function inPlaceScaleDownQuery(
  samples: readonly NaiveSample[],
  nowMs: number,
  windowMs: number,
  threshold: number,
  unneededMs: number,
  maxGapMs: number,
  averages: Float64Array,
): number {
  let cpu = 0;
  let memory = 0;
  let count = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (s.timestampMs > nowMs - windowMs && s.timestampMs <= nowMs) {
      cpu += s.cpu;
      memory += s.memory;
      count++;
    }
  }
  averages[0] = cpu / count;
  averages[1] = memory / count;
  return count + (naiveUnneeded(samples, nowMs, threshold, unneededMs, maxGapMs) ? 1000 : 0);
}

function naiveUnneeded(
  samples: readonly NaiveSample[],
  nowMs: number,
  threshold: number,
  unneededMs: number,
  maxGapMs: number,
): boolean {
  let newest = samples.length - 1;
  while (newest >= 0 && samples[newest]!.timestampMs > nowMs) newest--;
  if (newest < 0) return false;
  let since = samples[newest]!.timestampMs;
  if (nowMs - since > maxGapMs || !(maxOf(samples[newest]!) < threshold)) return false;
  for (let i = newest - 1; i >= 0; i--) {
    const s = samples[i]!;
    if (since - s.timestampMs > maxGapMs || !(maxOf(s) < threshold)) break;
    since = s.timestampMs;
    // The same early exit as the ring's isUnneeded, so the two differ only in storage.
    if (nowMs - since >= unneededMs) break;
  }
  return nowMs - since >= unneededMs;
}
