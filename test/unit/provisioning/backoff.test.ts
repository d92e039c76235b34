// A NodeGroup's back-off after failed provisionings: doubling up to the cap, and a streak that
// starts again after a calm period (config.scaling.nodeGroupBackoffResetSeconds).
import {
  consecutiveFailures,
  nextBackoffSeconds,
} from '../../../src/activities/provisioning/outcome';

const policy = { baseSeconds: 300, maxSeconds: 1800 };
const NOW = Date.parse('2026-11-26T12:00:00Z');
const HOUR = 3_600_000;

test('the back-off doubles per failure up to its cap', () => {
  expect([1, 2, 3, 4, 5, 40].map((n) => nextBackoffSeconds(n, policy))).toEqual([
    300, 600, 1200, 1800, 1800, 1800,
  ]);
});

test('the first failure starts a streak', () => {
  expect(consecutiveFailures(undefined, NOW, 10_800)).toBe(1);
});

test('a failure soon after the last back-off continues the streak', () => {
  const previous = { until: new Date(NOW - HOUR).toISOString(), consecutiveFailures: 3 };
  expect(consecutiveFailures(previous, NOW, 10_800)).toBe(4);
});

test('after the reset period without failures the streak starts again', () => {
  const previous = { until: new Date(NOW - 4 * HOUR).toISOString(), consecutiveFailures: 3 };
  expect(consecutiveFailures(previous, NOW, 10_800)).toBe(1);
});
