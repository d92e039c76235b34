import fc from 'fast-check';
import {
  AVERAGE_CPU,
  AVERAGE_MAX,
  AVERAGE_MEMORY,
  SampleRing,
  belowThresholdSince,
  isUnneeded,
  unneededRule,
  utilizationAt,
  windowAverage,
  windowAveragesInto,
  windowFractionBelow,
  windowSampleCount,
  type UtilizationResource,
} from '../../../../src/state/utilization';
import {
  naiveAverage,
  naiveBelowSince,
  naiveFractionBelow,
  naiveRetained,
} from './naive-reference';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;
const at = (minute: number) => T0 + minute * MINUTE;

/** A ring with one sample per [minute, cpu, memory] row. */
function ringOf(rows: Array<[number, number, number]>, capacity = 64): SampleRing {
  const ring = new SampleRing(capacity);
  for (const [minute, cpu, memory] of rows) ring.push(at(minute), cpu, memory);
  return ring;
}

/** One sample a minute for minutes from..to, all with the same cpu and memory. */
function steady(
  from: number,
  to: number,
  cpu: number,
  memory = cpu,
): Array<[number, number, number]> {
  const rows: Array<[number, number, number]> = [];
  for (let m = from; m <= to; m++) rows.push([m, cpu, memory]);
  return rows;
}

describe('utilizationAt', () => {
  test('picks cpu, memory, or the larger of the two', () => {
    const ring = ringOf([
      [0, 0.2, 0.7],
      [1, 0.9, 0.1],
    ]);
    expect(utilizationAt(ring, 0, 'cpu')).toBe(0.2);
    expect(utilizationAt(ring, 0, 'memory')).toBe(0.7);
    expect(utilizationAt(ring, 0, 'max')).toBe(0.7);
    expect(utilizationAt(ring, 1, 'max')).toBe(0.9);
  });
});

describe('window averages and counts', () => {
  const ring = ringOf([
    [0, 0.1, 0.5],
    [1, 0.2, 0.4],
    [2, 0.3, 0.3],
    [3, 0.4, 0.2],
    [4, 0.5, 0.1],
  ]);

  test('a window holds samples with now - window < t ≤ now', () => {
    // (1, 4]: minutes 2, 3, 4
    expect(windowSampleCount(ring, at(4), 3 * MINUTE)).toBe(3);
    expect(windowAverage(ring, at(4), 3 * MINUTE, 'cpu')).toBeCloseTo(0.4, 12);
    expect(windowAverage(ring, at(4), 3 * MINUTE, 'memory')).toBeCloseTo(0.2, 12);
    expect(windowAverage(ring, at(4), 3 * MINUTE, 'max')).toBeCloseTo((0.3 + 0.4 + 0.5) / 3, 12);
  });

  test('samples after now are ignored', () => {
    expect(windowSampleCount(ring, at(2), 2 * MINUTE)).toBe(2);
    expect(windowAverage(ring, at(2), 2 * MINUTE, 'cpu')).toBeCloseTo(0.25, 12);
  });

  test('a window wider than the history averages everything', () => {
    expect(windowSampleCount(ring, at(4), 60 * MINUTE)).toBe(5);
    expect(windowAverage(ring, at(4), 60 * MINUTE, 'cpu')).toBeCloseTo(0.3, 12);
  });

  test('a window with no samples has no average', () => {
    expect(windowAverage(ring, at(30), 10 * MINUTE, 'cpu')).toBeUndefined();
    expect(windowAverage(ring, at(-1), 10 * MINUTE, 'cpu')).toBeUndefined();
    expect(windowAverage(new SampleRing(3), at(0), MINUTE, 'max')).toBeUndefined();
    expect(windowSampleCount(ring, at(30), 10 * MINUTE)).toBe(0);
  });

  test('gaps: only the samples present are averaged', () => {
    const gappy = ringOf([
      [0, 0.9, 0.9],
      [7, 0.2, 0.2],
      [9, 0.4, 0.4],
    ]);
    expect(windowSampleCount(gappy, at(10), 10 * MINUTE)).toBe(2);
    expect(windowAverage(gappy, at(10), 10 * MINUTE, 'cpu')).toBeCloseTo(0.3, 12);
  });

  test.each([
    [0, 'window'],
    [-MINUTE, 'window'],
    [NaN, 'window'],
    [Infinity, 'window'],
  ])('window %d is rejected', (windowMs, message) => {
    expect(() => windowAverage(ring, at(4), windowMs, 'cpu')).toThrow(message);
    expect(() => windowFractionBelow(ring, at(4), windowMs, 0.5, 'cpu')).toThrow(RangeError);
    expect(() => windowSampleCount(ring, at(4), windowMs)).toThrow(RangeError);
  });

  test('windowAveragesInto writes all three averages into a reused buffer', () => {
    const out = new Float64Array(3);
    expect(windowAveragesInto(ring, at(4), 3 * MINUTE, out)).toBe(3);
    expect(out[AVERAGE_CPU]).toBeCloseTo(0.4, 12);
    expect(out[AVERAGE_MEMORY]).toBeCloseTo(0.2, 12);
    expect(out[AVERAGE_MAX]).toBeCloseTo(0.4, 12);
    expect(windowAveragesInto(ring, at(30), MINUTE, out)).toBe(0);
    expect([...out]).toEqual([NaN, NaN, NaN]);
  });

  test('windowAveragesInto needs room for three numbers', () => {
    expect(() => windowAveragesInto(ring, at(4), MINUTE, new Float64Array(2))).toThrow(RangeError);
  });

  test('a non-finite now is rejected', () => {
    expect(() => windowAverage(ring, NaN, MINUTE, 'cpu')).toThrow(/nowMs must be finite/);
  });
});

describe('windowFractionBelow', () => {
  const ring = ringOf([
    [0, 0.1, 0.9],
    [1, 0.5, 0.1],
    [2, 0.49, 0.2],
    [3, 0.8, 0.3],
  ]);

  test('counts samples strictly below the threshold', () => {
    expect(windowFractionBelow(ring, at(3), 10 * MINUTE, 0.5, 'cpu')).toBe(0.5);
    expect(windowFractionBelow(ring, at(3), 10 * MINUTE, 0.5, 'memory')).toBe(0.75);
    // max: 0.9, 0.5, 0.49, 0.8 → only 0.49 is below
    expect(windowFractionBelow(ring, at(3), 10 * MINUTE, 0.5, 'max')).toBe(0.25);
  });

  test('respects the window', () => {
    expect(windowFractionBelow(ring, at(3), 2 * MINUTE, 0.5, 'cpu')).toBe(0.5);
    expect(windowFractionBelow(ring, at(2), 2 * MINUTE, 0.5, 'cpu')).toBe(0.5);
  });

  test('no samples in the window: undefined', () => {
    expect(windowFractionBelow(ring, at(20), 5 * MINUTE, 0.5, 'cpu')).toBeUndefined();
  });
});

describe('belowThresholdSince', () => {
  const gap = 2.5 * MINUTE;
  const lowRule = (threshold: number, maxGapMs: number, resource: UtilizationResource) => ({
    threshold,
    maxGapMs,
    resource,
    unneededMs: 0,
  });

  test('the run starts at the first low sample after the last high one', () => {
    const ring = ringOf([...steady(0, 3, 0.8), ...steady(4, 12, 0.2)]);
    expect(belowThresholdSince(ring, at(12), lowRule(0.5, gap, 'max'))).toBe(at(4));
  });

  test('a run may reach back to the oldest retained sample', () => {
    const ring = ringOf(steady(0, 20, 0.1), 5);
    expect(belowThresholdSince(ring, at(20), lowRule(0.5, gap, 'max'))).toBe(at(16));
  });

  test('the newest sample at or above the threshold means no run', () => {
    const ring = ringOf([...steady(0, 9, 0.1), [10, 0.5, 0.1]]);
    expect(belowThresholdSince(ring, at(10), lowRule(0.5, gap, 'max'))).toBeUndefined();
    expect(belowThresholdSince(ring, at(10), lowRule(0.5, gap, 'memory'))).toBe(at(0));
  });

  test('a gap longer than maxGapMs breaks the run; one of exactly maxGapMs does not', () => {
    const broken = ringOf([...steady(0, 5, 0.1), ...steady(9, 15, 0.1)]);
    expect(belowThresholdSince(broken, at(15), lowRule(0.5, 3 * MINUTE, 'max'))).toBe(at(9));
    expect(belowThresholdSince(broken, at(15), lowRule(0.5, 4 * MINUTE, 'max'))).toBe(at(0));
  });

  test('stale data: no sample within maxGapMs of now means no run', () => {
    const ring = ringOf(steady(0, 10, 0.1));
    expect(belowThresholdSince(ring, at(12), lowRule(0.5, gap, 'max'))).toBe(at(0));
    expect(belowThresholdSince(ring, at(13), lowRule(0.5, gap, 'max'))).toBeUndefined();
  });

  test('samples after now are not considered', () => {
    const ring = ringOf([...steady(0, 10, 0.1), [11, 0.9, 0.9]]);
    expect(belowThresholdSince(ring, at(10), lowRule(0.5, gap, 'max'))).toBe(at(0));
    expect(belowThresholdSince(ring, at(11), lowRule(0.5, gap, 'max'))).toBeUndefined();
  });

  test('an empty series has no run', () => {
    expect(belowThresholdSince(new SampleRing(2), at(0), lowRule(0.5, gap, 'max'))).toBeUndefined();
  });

  test('bad now or gap is rejected', () => {
    const ring = ringOf(steady(0, 2, 0.1));
    expect(() => belowThresholdSince(ring, NaN, lowRule(0.5, gap, 'max'))).toThrow(RangeError);
    expect(() => belowThresholdSince(ring, at(2), lowRule(0.5, -1, 'max'))).toThrow(RangeError);
  });
});

describe('unneededRule', () => {
  test("defaults are Cluster Autoscaler's, with a gap of 2.5 sample intervals", () => {
    expect(unneededRule()).toEqual({
      threshold: 0.5,
      unneededMs: 600_000,
      maxGapMs: 150_000,
      resource: 'max',
    });
  });

  test('options override the defaults; the gap follows the interval', () => {
    expect(
      unneededRule({
        threshold: 0.3,
        unneededSeconds: 300,
        sampleIntervalSeconds: 300,
        resource: 'cpu',
      }),
    ).toEqual({ threshold: 0.3, unneededMs: 300_000, maxGapMs: 750_000, resource: 'cpu' });
    expect(unneededRule({ maxGapSeconds: 61 }).maxGapMs).toBe(61_000);
  });

  test.each([
    [{ threshold: 0 }, /threshold/],
    [{ threshold: 1.5 }, /threshold/],
    [{ threshold: NaN }, /threshold/],
    [{ unneededSeconds: -1 }, /unneededSeconds/],
    [{ sampleIntervalSeconds: NaN }, /sampleIntervalSeconds/],
    [{ maxGapSeconds: Infinity }, /maxGapSeconds/],
  ])('%j is rejected', (options, message) => {
    expect(() => unneededRule(options)).toThrow(message);
  });
});

describe('isUnneeded (CA candidate rule: max(cpu, memory) < 0.5 for 10 min)', () => {
  const rule = unneededRule();

  test('low for exactly the unneeded time: unneeded', () => {
    const ring = ringOf([...steady(0, 4, 0.9), ...steady(5, 15, 0.2)]);
    expect(isUnneeded(ring, at(15), rule)).toBe(true);
  });

  test('a minute short: not yet', () => {
    const ring = ringOf([...steady(0, 4, 0.9), ...steady(5, 14, 0.2)]);
    expect(isUnneeded(ring, at(14), rule)).toBe(false);
  });

  test('low CPU but high memory is not unneeded (the larger one decides)', () => {
    const ring = ringOf(steady(0, 20, 0.1, 0.6));
    expect(isUnneeded(ring, at(20), rule)).toBe(false);
    expect(isUnneeded(ring, at(20), unneededRule({ resource: 'cpu' }))).toBe(true);
  });

  test('one busy sample restarts the clock', () => {
    const ring = ringOf([...steady(0, 10, 0.1), [11, 0.7, 0.1], ...steady(12, 20, 0.1)]);
    expect(isUnneeded(ring, at(20), rule)).toBe(false);
    ring.push(at(22), 0.1, 0.1);
    expect(isUnneeded(ring, at(22), rule)).toBe(true);
  });

  test('a sampling outage longer than the gap tolerance restarts the clock', () => {
    const ring = ringOf([...steady(0, 8, 0.1), ...steady(12, 20, 0.1)]);
    expect(isUnneeded(ring, at(20), rule)).toBe(false);
  });

  test('one missed sample is tolerated', () => {
    const ring = ringOf([...steady(0, 5, 0.1), ...steady(7, 10, 0.1)]);
    expect(isUnneeded(ring, at(10), rule)).toBe(true);
  });

  test('no recent sample: never unneeded on stale data', () => {
    const ring = ringOf(steady(0, 30, 0.1));
    expect(isUnneeded(ring, at(30), rule)).toBe(true);
    expect(isUnneeded(ring, at(40), rule)).toBe(false);
  });

  test('a node with no samples is not unneeded', () => {
    expect(isUnneeded(new SampleRing(4), at(0), rule)).toBe(false);
  });

  test('with the 5-minute interval and 12 samples of the work plan', () => {
    const ring = new SampleRing(12);
    const fiveMinuteRule = unneededRule({ sampleIntervalSeconds: 300 });
    for (let m = 0; m <= 60; m += 5) ring.push(at(m), m < 50 ? 0.8 : 0.3, 0.2);
    expect(isUnneeded(ring, at(55), fiveMinuteRule)).toBe(false);
    expect(isUnneeded(ring, at(60), fiveMinuteRule)).toBe(true);
  });
});

// Property tests: the in-place statistics agree with the naive reference on random histories,
// including wrapped rings, repeated timestamps, gaps, and windows/nows anywhere around the data.
const history = fc.record({
  capacity: fc.integer({ min: 1, max: 30 }),
  pushes: fc
    .array(
      fc.record({
        step: fc.oneof(
          fc.constant(0),
          fc.constant(MINUTE),
          fc.constant(2 * MINUTE),
          fc.integer({ min: 1, max: 10 * MINUTE }),
        ),
        cpu: fc.oneof(fc.constant(0.5), fc.double({ min: 0, max: 1.5, noNaN: true })),
        memory: fc.oneof(fc.constant(0.5), fc.double({ min: 0, max: 1.5, noNaN: true })),
      }),
      { maxLength: 60 },
    )
    .map((steps) => {
      let t = T0;
      return steps.map(({ step, cpu, memory }) => ({ timestampMs: (t += step), cpu, memory }));
    }),
});
const resource = fc.constantFrom<UtilizationResource>('cpu', 'memory', 'max');
// Half the time "now" is anywhere; half the time it is shortly after the newest sample, the case
// a live scan sees, where runs and gaps matter most.
const nowOffset = fc.oneof(
  fc.record({
    afterNewest: fc.constant(false),
    ms: fc.integer({ min: -10 * MINUTE, max: 120 * MINUTE }),
  }),
  fc.record({ afterNewest: fc.constant(true), ms: fc.integer({ min: 0, max: 3 * MINUTE }) }),
);
function nowFor(
  pushes: readonly { timestampMs: number }[],
  offset: { afterNewest: boolean; ms: number },
) {
  const newest = pushes[pushes.length - 1]?.timestampMs ?? T0;
  return (offset.afterNewest ? newest : T0) + offset.ms;
}
const windowMs = fc.integer({ min: 1, max: 90 * MINUTE });
const threshold = fc.oneof(fc.constant(0.5), fc.double({ min: 0.01, max: 1, noNaN: true }));

test('property: window average, count and fraction below equal the naive reference', () => {
  fc.assert(
    fc.property(history, nowOffset, windowMs, threshold, resource, (h, offset, w, th, r) => {
      const ring = new SampleRing(h.capacity);
      for (const s of h.pushes) ring.push(s.timestampMs, s.cpu, s.memory);
      const retained = naiveRetained(h.pushes, h.capacity);
      const now = nowFor(h.pushes, offset);
      // Same summation order as the reference, so the results are identical, not just close.
      expect(windowAverage(ring, now, w, r)).toBe(naiveAverage(retained, now, w, r));
      const out = new Float64Array(3);
      const averaged = windowAveragesInto(ring, now, w, out);
      expect([...out]).toEqual(
        averaged === 0
          ? [NaN, NaN, NaN]
          : (['cpu', 'memory', 'max'] as const).map((x) => naiveAverage(retained, now, w, x)),
      );
      expect(windowFractionBelow(ring, now, w, th, r)).toBe(
        naiveFractionBelow(retained, now, w, th, r),
      );
      const count = retained.filter((s) => s.timestampMs > now - w && s.timestampMs <= now).length;
      expect(windowSampleCount(ring, now, w)).toBe(count);
    }),
  );
});

test('property: belowThresholdSince and isUnneeded equal the naive reference', () => {
  fc.assert(
    fc.property(
      history,
      nowOffset,
      threshold,
      // Gaps equal to the sample steps, so "exactly maxGapMs" is exercised.
      fc.oneof(
        fc.constant(MINUTE),
        fc.constant(2 * MINUTE),
        fc.integer({ min: 0, max: 5 * MINUTE }),
      ),
      fc.oneof(fc.constant(10 * MINUTE), fc.integer({ min: 0, max: 30 * MINUTE })),
      resource,
      (h, offset, th, gap, unneeded, r) => {
        const ring = new SampleRing(h.capacity);
        for (const s of h.pushes) ring.push(s.timestampMs, s.cpu, s.memory);
        const retained = naiveRetained(h.pushes, h.capacity);
        const now = nowFor(h.pushes, offset);
        const since = naiveBelowSince(retained, now, th, gap, r);
        const rule = { threshold: th, unneededMs: unneeded, maxGapMs: gap, resource: r };
        expect(belowThresholdSince(ring, now, rule)).toBe(since);
        expect(isUnneeded(ring, now, rule)).toBe(since !== undefined && now - since >= unneeded);
      },
    ),
  );
});
