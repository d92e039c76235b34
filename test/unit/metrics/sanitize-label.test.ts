import fc from 'fast-check';
import { sanitizeLabelValue } from '../../../src/metrics/sanitize-label';
import { freshMetrics, valueOf } from './support';

const SAFE = /^[A-Za-z0-9_.-]{1,128}$/;

test.each([
  ['workers', 'workers'],
  ['my-group.v2_a', 'my-group.v2_a'],
  ['team/a b', 'team_a_b'],
  ['ns:prod', 'ns_prod'],
  ['süd', 's_d'],
  ['🚀x', '_x'],
  ['"quoted"\n', '_quoted__'],
  ['', 'unknown'],
  ['x'.repeat(200), 'x'.repeat(128)],
])('sanitizeLabelValue(%j) = %j', (input, expected) => {
  expect(sanitizeLabelValue(input)).toBe(expected);
});

// Short names and long ones: fast-check favours short strings, so the 128 limit gets its own arm.
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 100, maxLength: 400 }),
);

test('property: the result is always 1-128 allowed characters', () => {
  fc.assert(fc.property(anyText, (s) => SAFE.test(sanitizeLabelValue(s))));
});

test('property: sanitising twice changes nothing more', () => {
  fc.assert(
    fc.property(
      anyText,
      (s) => sanitizeLabelValue(sanitizeLabelValue(s)) === sanitizeLabelValue(s),
    ),
  );
});

test('property: values that are already safe pass through unchanged', () => {
  fc.assert(fc.property(fc.stringMatching(SAFE), (s) => sanitizeLabelValue(s) === s));
});

test('property: each character is kept if allowed, else replaced by one underscore', () => {
  fc.assert(
    fc.property(
      anyText.filter((s) => s !== ''),
      (s) => {
        const chars = [...s].slice(0, 128);
        const expected = chars.map((c) => (/^[A-Za-z0-9_.-]$/.test(c) ? c : '_')).join('');
        return sanitizeLabelValue(s) === expected;
      },
    ),
  );
});

test('property: recorders store any node group name in its sanitised form', async () => {
  await fc.assert(
    fc.asyncProperty(anyText, anyText, async (nodeGroup, namespace) => {
      const { registry, metrics } = freshMetrics();
      metrics.recordScaleDownBlocked({ nodeGroup, namespace, reason: 'paused' });
      const labels = {
        nodegroup: sanitizeLabelValue(nodeGroup),
        namespace: sanitizeLabelValue(namespace),
        reason: 'paused',
      };
      return (await valueOf(registry, 'vpsie_autoscaler_scale_down_blocked_total', labels)) === 1;
    }),
    { numRuns: 50 },
  );
});
