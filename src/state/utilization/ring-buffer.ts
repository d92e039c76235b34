// A fixed-capacity ring of utilisation samples for one node. The earlier Go controller appended
// to a slice and re-sliced it to drop old samples, so every sample cost an allocation and the
// backing arrays grew and were copied. Here one Float64Array, sized once, holds
// [timestamp, cpu, memory] triples; a push overwrites the oldest slot when the ring is full.
// After construction nothing is allocated: push and readInto only write into existing memory,
// and push reads the newest timestamp straight from the array rather than through a getter
// (see SampleSeries for why that matters in V8).

import { InvalidSampleError } from './errors';
import {
  CPU_FIELD,
  MEMORY_FIELD,
  SAMPLE_FIELDS,
  TIMESTAMP_FIELD,
  type SampleSeries,
  type UtilizationSample,
} from './sample';

// Local copies of the layout constants: the loops read them for every sample, and under the
// CommonJS interop of tsx/esbuild (benchmarks, scripts) an imported binding is a getter call.
const STRIDE = SAMPLE_FIELDS;
const TIMESTAMP = TIMESTAMP_FIELD;
const CPU = CPU_FIELD;
const MEMORY = MEMORY_FIELD;

/** Throws RangeError unless `capacity` is a whole number ≥ 1. */
export function checkRingCapacity(capacity: number): void {
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new RangeError(`sample ring capacity must be a whole number ≥ 1, got ${capacity}`);
  }
}

/**
 * One node's samples. `slots` and `oldestSlot` are public so the window statistics can read the
 * storage directly (see SampleSeries); only push, clear and the constructor write them.
 */
export class SampleRing implements SampleSeries {
  readonly capacity: number;
  readonly slots: Float64Array;
  private oldest = 0;
  private count = 0;

  constructor(capacity: number) {
    checkRingCapacity(capacity);
    this.capacity = capacity;
    this.slots = new Float64Array(capacity * STRIDE);
  }

  get size(): number {
    return this.count;
  }

  get oldestSlot(): number {
    return this.oldest;
  }

  /** Timestamp of the newest sample, or undefined when the ring is empty. */
  get newestTimestampMs(): number | undefined {
    return this.count === 0 ? undefined : this.timestampAt(this.count - 1);
  }

  /**
   * Adds a sample, evicting the oldest when full. Values must be finite and ≥ 0. Timestamps must
   * not go back: an older timestamp than the newest is rejected (it would break the time order
   * every statistic relies on), while the same timestamp replaces the newest sample, so sampling
   * the same metrics-server reading twice is harmless rather than counted twice.
   */
  push(timestampMs: number, cpu: number, memory: number): void {
    rejectInvalid(timestampMs, cpu, memory);
    let slot: number;
    const newestSlot = this.count === 0 ? -1 : this.physicalSlot(this.count - 1);
    const newest = newestSlot < 0 ? -1 : this.slots[newestSlot * STRIDE + TIMESTAMP]!;
    if (timestampMs <= newest) {
      if (timestampMs < newest) {
        throw new InvalidSampleError(
          `sample at ${timestampMs} is older than the newest sample at ${newest}; timestamps must not go back`,
        );
      }
      slot = newestSlot;
    } else if (this.count < this.capacity) {
      slot = this.physicalSlot(this.count);
      this.count++;
    } else {
      slot = this.oldest;
      this.oldest = this.oldest + 1 === this.capacity ? 0 : this.oldest + 1;
    }
    const base = slot * STRIDE;
    this.slots[base + TIMESTAMP] = timestampMs;
    this.slots[base + CPU] = cpu;
    this.slots[base + MEMORY] = memory;
  }

  timestampAt(index: number): number {
    return this.slots[this.checkedSlot(index) * STRIDE + TIMESTAMP]!;
  }

  cpuAt(index: number): number {
    return this.slots[this.checkedSlot(index) * STRIDE + CPU]!;
  }

  memoryAt(index: number): number {
    return this.slots[this.checkedSlot(index) * STRIDE + MEMORY]!;
  }

  /**
   * Copies the samples, oldest first, into a caller-owned buffer as [timestamp, cpu, memory]
   * triples and returns how many were copied. The caller allocates the buffer once (length
   * capacity × 3 fits any ring of that capacity) and reuses it, so a copy for use outside the
   * ring — handing samples to another component, serialising them — costs no allocation.
   */
  readInto(target: Float64Array): number {
    const needed = this.count * STRIDE;
    if (target.length < needed) {
      throw new RangeError(`readInto needs a buffer of ${needed} numbers, got ${target.length}`);
    }
    // At most two contiguous runs: from the oldest slot to the end, then from the start.
    // Plain loops: target.set(slots.subarray(...)) would allocate two views per call.
    const slots = this.slots;
    const start = this.oldest * STRIDE;
    const firstRun = Math.min(needed, slots.length - start);
    for (let i = 0; i < firstRun; i++) target[i] = slots[start + i]!;
    for (let i = firstRun; i < needed; i++) target[i] = slots[i - firstRun]!;
    return this.count;
  }

  /** The samples as objects, oldest first. Allocates: for tests, logs and explanations only. */
  toArray(): UtilizationSample[] {
    const samples: UtilizationSample[] = [];
    for (let i = 0; i < this.count; i++) {
      samples.push({
        timestampMs: this.timestampAt(i),
        cpu: this.cpuAt(i),
        memory: this.memoryAt(i),
      });
    }
    return samples;
  }

  /** Forgets every sample, keeping the memory for reuse. */
  clear(): void {
    this.oldest = 0;
    this.count = 0;
  }

  private physicalSlot(index: number): number {
    const physical = this.oldest + index;
    return physical >= this.capacity ? physical - this.capacity : physical;
  }

  private checkedSlot(index: number): number {
    // `index >>> 0 !== index` also catches fractions and negatives in one comparison.
    if (index >>> 0 !== index || index >= this.count) {
      throw new RangeError(`sample index ${index} is outside 0..${this.count - 1}`);
    }
    return this.physicalSlot(index);
  }
}

function rejectInvalid(timestampMs: number, cpu: number, memory: number): void {
  if (!(timestampMs >= 0) || !Number.isFinite(timestampMs)) {
    throw new InvalidSampleError(
      `timestamp must be finite epoch milliseconds ≥ 0, got ${timestampMs}`,
    );
  }
  if (!(cpu >= 0) || !Number.isFinite(cpu)) {
    throw new InvalidSampleError(`cpu ratio must be a finite number ≥ 0, got ${cpu}`);
  }
  if (!(memory >= 0) || !Number.isFinite(memory)) {
    throw new InvalidSampleError(`memory ratio must be a finite number ≥ 0, got ${memory}`);
  }
}
