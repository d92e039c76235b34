// The vocabulary shared by the store, the statistics and the samplers.

/**
 * One utilisation measurement of a node: when it was taken (epoch milliseconds) and CPU and
 * memory as fractions of the node's allocatable (0.25 = 25 %). Requests-based ratios stay ≤ 1 on
 * a healthy node; usage-based ones may exceed 1, because kubelet and system daemons run outside
 * allocatable.
 */
export interface UtilizationSample {
  readonly timestampMs: number;
  readonly cpu: number;
  readonly memory: number;
}

/** Numbers per sample in the storage layout, and each field's offset within a sample. */
export const SAMPLE_FIELDS = 3;
export const TIMESTAMP_FIELD = 0;
export const CPU_FIELD = 1;
export const MEMORY_FIELD = 2;

/**
 * Read-only access to one node's samples, oldest first (index 0) to newest (index size - 1),
 * timestamps strictly increasing.
 *
 * Two ways in. The index getters and readInto are the convenient, checked API. The storage
 * layout (`slots`, `oldestSlot`, `capacity`) is what the window statistics loop over: in V8 a
 * fractional number that crosses a call which is not inlined is boxed into a 16-byte heap object,
 * so a statistic that called timestampAt() per sample would allocate per sample. Reading the
 * Float64Array directly keeps every number in a register. The layout is for reading only: write
 * through push, never into `slots`.
 */
export interface SampleSeries {
  readonly size: number;
  readonly capacity: number;
  /**
   * The ring's storage: the sample in physical slot p is slots[p * SAMPLE_FIELDS + field]. The
   * sample at index i lives in physical slot (oldestSlot + i) mod capacity.
   */
  readonly slots: Float64Array;
  /** Physical slot of the oldest sample (index 0). */
  readonly oldestSlot: number;
  timestampAt(index: number): number;
  cpuAt(index: number): number;
  memoryAt(index: number): number;
  /** Copies the samples, oldest first, into `target` as triples; returns how many. */
  readInto(target: Float64Array): number;
}
