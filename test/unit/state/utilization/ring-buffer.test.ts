import fc from 'fast-check';
import {
  CPU_FIELD,
  InvalidSampleError,
  MEMORY_FIELD,
  SAMPLE_FIELDS,
  SampleRing,
  TIMESTAMP_FIELD,
  type UtilizationSample,
} from '../../../../src/state/utilization';
import { naiveRetained, seriesToArray } from './naive-reference';

const sample = (timestampMs: number, cpu = 0.1, memory = 0.2): UtilizationSample => ({
  timestampMs,
  cpu,
  memory,
});

function filled(capacity: number, timestamps: number[]): SampleRing {
  const ring = new SampleRing(capacity);
  for (const t of timestamps) ring.push(t, t / 1000, t / 2000);
  return ring;
}

describe('construction', () => {
  test.each([0, -1, 1.5, NaN, Infinity])('capacity %d is rejected', (capacity) => {
    expect(() => new SampleRing(capacity)).toThrow(RangeError);
  });

  test('a new ring is empty', () => {
    const ring = new SampleRing(3);
    expect(ring.capacity).toBe(3);
    expect(ring.size).toBe(0);
    expect(ring.newestTimestampMs).toBeUndefined();
    expect(ring.toArray()).toEqual([]);
  });
});

describe('order and wrap-around', () => {
  test('samples come back oldest first, with their values', () => {
    const ring = new SampleRing(4);
    ring.push(1000, 0.1, 0.5);
    ring.push(2000, 0.2, 0.6);
    ring.push(3000, 0.3, 0.7);
    expect(ring.size).toBe(3);
    expect(ring.toArray()).toEqual([
      sample(1000, 0.1, 0.5),
      sample(2000, 0.2, 0.6),
      sample(3000, 0.3, 0.7),
    ]);
    expect([ring.timestampAt(0), ring.cpuAt(1), ring.memoryAt(2)]).toEqual([1000, 0.2, 0.7]);
    expect(ring.newestTimestampMs).toBe(3000);
  });

  test('when full, a push evicts the oldest sample', () => {
    const ring = filled(3, [1, 2, 3, 4]);
    expect(ring.size).toBe(3);
    expect(ring.toArray().map((s) => s.timestampMs)).toEqual([2, 3, 4]);
  });

  test('order survives many laps around the ring', () => {
    const timestamps = Array.from({ length: 23 }, (_, i) => (i + 1) * 60_000);
    const ring = filled(5, timestamps);
    expect(ring.toArray().map((s) => s.timestampMs)).toEqual(timestamps.slice(-5));
    expect(ring.newestTimestampMs).toBe(23 * 60_000);
  });

  test('capacity 1 keeps only the newest sample', () => {
    const ring = new SampleRing(1);
    ring.push(10, 0.1, 0.1);
    ring.push(20, 0.9, 0.8);
    expect(ring.toArray()).toEqual([sample(20, 0.9, 0.8)]);
    ring.push(20, 0.5, 0.5);
    expect(ring.toArray()).toEqual([sample(20, 0.5, 0.5)]);
  });

  test('clear empties the ring, which then fills again from scratch', () => {
    const ring = filled(3, [1, 2, 3, 4, 5]);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.newestTimestampMs).toBeUndefined();
    // After clear, time may start anywhere, even before the samples that were cleared.
    ring.push(0, 0, 0);
    expect(ring.toArray()).toEqual([sample(0, 0, 0)]);
  });
});

describe('index reads', () => {
  test.each([-1, 3, 1.5, NaN])('index %d outside the samples throws RangeError', (index) => {
    const ring = filled(5, [1, 2, 3]);
    expect(() => ring.timestampAt(index)).toThrow(RangeError);
    expect(() => ring.cpuAt(index)).toThrow(RangeError);
    expect(() => ring.memoryAt(index)).toThrow(RangeError);
  });

  test('an empty ring has no index 0', () => {
    expect(() => new SampleRing(2).timestampAt(0)).toThrow(/outside/);
  });
});

describe('storage layout (what the window statistics read)', () => {
  test('sample i lives in physical slot (oldestSlot + i) mod capacity, as triples', () => {
    const ring = filled(3, [10, 20, 30, 40, 50]);
    expect(ring.oldestSlot).toBe(2);
    expect(ring.slots).toHaveLength(9);
    for (let i = 0; i < ring.size; i++) {
      const slot = (ring.oldestSlot + i) % ring.capacity;
      expect(ring.slots[slot * SAMPLE_FIELDS + TIMESTAMP_FIELD]).toBe(ring.timestampAt(i));
      expect(ring.slots[slot * SAMPLE_FIELDS + CPU_FIELD]).toBe(ring.cpuAt(i));
      expect(ring.slots[slot * SAMPLE_FIELDS + MEMORY_FIELD]).toBe(ring.memoryAt(i));
    }
  });

  test('the storage is allocated once: pushes and clear never replace it', () => {
    const ring = new SampleRing(4);
    const storage = ring.slots;
    for (let t = 1; t <= 50; t++) ring.push(t, 0.1, 0.1);
    ring.clear();
    ring.push(1, 0.1, 0.1);
    expect(ring.slots).toBe(storage);
  });
});

describe('readInto', () => {
  test('copies [timestamp, cpu, memory] triples oldest first and returns the count', () => {
    const ring = new SampleRing(3);
    for (const [t, c, m] of [
      [1, 0.1, 0.2],
      [2, 0.3, 0.4],
      [3, 0.5, 0.6],
      [4, 0.7, 0.8],
    ]) {
      ring.push(t!, c!, m!);
    }
    const buffer = new Float64Array(9).fill(-1);
    expect(ring.readInto(buffer)).toBe(3);
    expect([...buffer]).toEqual([2, 0.3, 0.4, 3, 0.5, 0.6, 4, 0.7, 0.8]);
  });

  test('leaves the rest of a larger buffer alone and works when not wrapped', () => {
    const ring = filled(4, [1, 2]);
    const buffer = new Float64Array(12).fill(-1);
    expect(ring.readInto(buffer)).toBe(2);
    expect([...buffer.subarray(0, 6)]).toEqual([1, 0.001, 0.0005, 2, 0.002, 0.001]);
    expect([...buffer.subarray(6)]).toEqual([-1, -1, -1, -1, -1, -1]);
  });

  test('an empty ring copies nothing into any buffer', () => {
    expect(new SampleRing(2).readInto(new Float64Array(0))).toBe(0);
  });

  test('a buffer too small for the samples throws RangeError', () => {
    const ring = filled(4, [1, 2]);
    expect(() => ring.readInto(new Float64Array(5))).toThrow(/needs a buffer of 6/);
  });

  test('one buffer can be reused for many rings', () => {
    const buffer = new Float64Array(3 * 3);
    const a = filled(3, [1, 2, 3, 4]);
    const b = filled(3, [10]);
    expect(a.readInto(buffer)).toBe(3);
    expect(buffer[0]).toBe(2);
    expect(b.readInto(buffer)).toBe(1);
    expect(buffer[0]).toBe(10);
  });
});

describe('validation', () => {
  test.each([
    [NaN, 0.1, 0.1, /timestamp must be finite/],
    [-1, 0.1, 0.1, /timestamp must be finite epoch milliseconds ≥ 0, got -1/],
    [Infinity, 0.1, 0.1, /timestamp/],
    [1, NaN, 0.1, /cpu ratio must be a finite number ≥ 0, got NaN/],
    [1, -0.1, 0.1, /cpu ratio .* got -0.1/],
    [1, Infinity, 0.1, /cpu ratio/],
    [1, 0.1, NaN, /memory ratio must be a finite number ≥ 0, got NaN/],
    [1, 0.1, -2, /memory ratio .* got -2/],
  ])('push(%d, %d, %d) throws InvalidSampleError and stores nothing', (t, cpu, memory, message) => {
    const ring = filled(3, []);
    expect(() => ring.push(t, cpu, memory)).toThrow(InvalidSampleError);
    expect(() => ring.push(t, cpu, memory)).toThrow(message);
    expect(ring.size).toBe(0);
  });

  test('ratios above 1 are accepted (usage can exceed allocatable)', () => {
    const ring = new SampleRing(2);
    ring.push(1, 1.3, 2);
    expect(ring.toArray()).toEqual([sample(1, 1.3, 2)]);
  });

  test('a timestamp older than the newest is rejected and changes nothing', () => {
    const ring = filled(3, [1000, 2000]);
    expect(() => ring.push(1500, 0.1, 0.1)).toThrow(
      'sample at 1500 is older than the newest sample at 2000; timestamps must not go back',
    );
    expect(ring.toArray().map((s) => s.timestampMs)).toEqual([1000, 2000]);
  });

  test('the same timestamp as the newest replaces it instead of adding a sample', () => {
    const ring = filled(3, [1000, 2000]);
    ring.push(2000, 0.9, 0.8);
    expect(ring.toArray()).toEqual([sample(1000, 1, 0.5), sample(2000, 0.9, 0.8)]);
  });

  test('replacement works at the physical end of a wrapped ring', () => {
    const ring = filled(3, [1, 2, 3, 4]);
    ring.push(4, 0.7, 0.7);
    expect(ring.toArray().map((s) => [s.timestampMs, s.cpu])).toEqual([
      [2, 0.002],
      [3, 0.003],
      [4, 0.7],
    ]);
  });
});

// Pushes with non-decreasing timestamps (repeats included, to exercise replacement).
const pushesArbitrary = fc
  .array(
    fc.record({
      step: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 120_000 })),
      cpu: fc.double({ min: 0, max: 2, noNaN: true }),
      memory: fc.double({ min: 0, max: 2, noNaN: true }),
    }),
    { maxLength: 80 },
  )
  .map((steps) => {
    let t = 1_700_000_000_000;
    return steps.map(({ step, cpu, memory }) => ({ timestampMs: (t += step), cpu, memory }));
  });

test('property: after any pushes the ring holds the last `capacity` samples in order', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), pushesArbitrary, (capacity, pushes) => {
      const ring = new SampleRing(capacity);
      for (const s of pushes) ring.push(s.timestampMs, s.cpu, s.memory);
      const expected = naiveRetained(pushes, capacity);
      expect(ring.size).toBe(expected.length);
      expect(seriesToArray(ring)).toEqual(expected);
      expect(ring.toArray()).toEqual(expected);
      const buffer = new Float64Array(capacity * 3);
      expect(ring.readInto(buffer)).toBe(expected.length);
      expect([...buffer.subarray(0, expected.length * 3)]).toEqual(
        expected.flatMap((s) => [s.timestampMs, s.cpu, s.memory]),
      );
    }),
  );
});
