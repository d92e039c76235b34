// Memory measurements for the benchmarks.
//
// Retained memory: force full garbage collections, then read process.memoryUsage(). heapUsed
// covers JavaScript objects; typed-array contents larger than a few dozen bytes live outside the
// V8 heap and show up only in `arrayBuffers`, so both are reported — counting heapUsed alone would
// flatter the ring buffer.
//
// Allocated bytes: V8 has no cumulative allocation counter, but node:v8's GCProfiler reports the
// used heap size before and after every collection. Between two collections the used size only
// grows by allocation, so
//   allocated = Σ (usedBefore(gc_i) − usedAfter(gc_{i−1})) + (usedAtEnd − usedAfter(gc_last))
// with usedAfter(gc_0) = the used size when measuring started. This counts every on-heap byte the
// code allocated (including short-lived garbage), but not off-heap ArrayBuffer backing stores.

import { GCProfiler, getHeapStatistics } from 'node:v8';

export function requireGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new Error('run with --expose-gc: npx tsx --expose-gc scripts/bench/samples.ts');
  }
  return gc;
}

export interface RetainedMemory {
  heapUsed: number;
  arrayBuffers: number;
}

/** Memory still in use after full collections. */
export function retainedMemory(): RetainedMemory {
  const gc = requireGc();
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
}

export function memoryGrowth(from: RetainedMemory, to: RetainedMemory): RetainedMemory {
  return {
    heapUsed: to.heapUsed - from.heapUsed,
    arrayBuffers: to.arrayBuffers - from.arrayBuffers,
  };
}

export interface AllocationReport {
  allocatedBytes: number;
  collections: number;
  /** Total time spent in collections (the profiler's `cost`), in milliseconds. */
  gcMs: number;
}

/** Starts counting allocations; call the returned function to stop and get the report. */
export function countAllocations(): () => AllocationReport {
  const profiler = new GCProfiler();
  profiler.start();
  const usedAtStart = getHeapStatistics().used_heap_size;
  return () => {
    const usedAtEnd = getHeapStatistics().used_heap_size;
    const { statistics } = profiler.stop();
    let allocatedBytes = 0;
    let usedAfterPrevious = usedAtStart;
    let gcMicros = 0;
    for (const collection of statistics) {
      allocatedBytes += collection.beforeGC.heapStatistics.usedHeapSize - usedAfterPrevious;
      usedAfterPrevious = collection.afterGC.heapStatistics.usedHeapSize;
      gcMicros += collection.cost;
    }
    allocatedBytes += usedAtEnd - usedAfterPrevious;
    return { allocatedBytes, collections: statistics.length, gcMs: gcMicros / 1000 };
  };
}
