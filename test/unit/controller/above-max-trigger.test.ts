// The `above-max-nodes` scale-down trigger: the autoscaler's own decision (safety re-checked, a
// failed drain gives the node back), skipping only the churn guards, never workload protection.
import {
  checksSkippedBy,
  isAutoscalerDecision,
  type ScaleDownTrigger,
} from '../../../src/activities/scale-down/types';
import { SAFETY_CHECK_CODES } from '../../../src/disruption/safety/codes';

test('underutilized and above-max-nodes are decisions; explicit deletions are not', () => {
  const decisions: Record<ScaleDownTrigger, boolean> = {
    underutilized: true,
    'above-max-nodes': true,
    'node-deleted': false,
    'vpsienode-deleted': false,
  };
  for (const [trigger, expected] of Object.entries(decisions)) {
    expect(isAutoscalerDecision(trigger as ScaleDownTrigger)).toBe(expected);
  }
});

test('above maxNodes skips cooldown and capacity, and keeps every other check', () => {
  expect(checksSkippedBy('above-max-nodes')).toEqual(['cooldown', 'capacity']);
  const kept = SAFETY_CHECK_CODES.filter((c) => !checksSkippedBy('above-max-nodes').includes(c));
  expect(kept).toEqual(
    expect.arrayContaining(['paused', 'pdb', 'local_storage', 'cannot_reschedule', 'min_nodes']),
  );
  expect(checksSkippedBy('underutilized')).toEqual([]);
});
