import type { CandidateSelection } from '../../../src/disruption/candidates';
import { groupOutcome } from '../../../src/controller/scale-down-outcome';

const selection: CandidateSelection = {
  chosen: [{ name: 'empty', empty: true, utilization: 0.02, unneededForMs: 900_000 }],
  notChosen: [
    { name: 'busy', reason: 'above_threshold', message: 'utilisation 80% ...' },
    { name: 'young', reason: 'unneeded_time_not_reached', message: '...' },
    { name: 'new', reason: 'no_utilization_data', message: '...' },
    { name: 'going', reason: 'being_deleted', message: 'already being removed' },
    { name: 'floor', reason: 'min_nodes', message: 'keeps at least 2' },
    { name: 'queued', reason: 'concurrency_limit', message: '1 of at most 1' },
    {
      name: 'pinned',
      reason: 'unsafe',
      message: 'blocked by local_storage: ...',
      safetyFailures: [
        { ok: false, code: 'local_storage', message: 'hostPath' },
        { ok: false, code: 'capacity', message: 'too full' },
      ],
    },
    {
      name: 'resting',
      reason: 'unsafe',
      message: 'blocked by cooldown: ...',
      safetyFailures: [{ ok: false, code: 'cooldown', message: 'in cooldown' }],
    },
  ],
};

test('chosen nodes start; only eligible nodes held back are counted, with their reason', () => {
  const outcome = groupOutcome(selection, true);
  expect(outcome.start.map((c) => c.name)).toEqual(['empty']);
  expect(
    outcome.declined.map((d) => [
      d.node,
      d.blockedReason,
      d.decisionReason,
      d.safetyFailures.map((f) => f.code),
    ]),
  ).toEqual([
    ['floor', 'min_nodes', 'at_min_nodes', []],
    ['queued', 'operation_in_progress', 'operation_in_progress', []],
    ['pinned', 'local_storage', undefined, ['local_storage', 'capacity']],
    ['resting', 'cooldown', 'cooldown', ['cooldown']],
  ]);
});

test('a disabled policy starts nothing and names itself as the reason for every eligible node', () => {
  const outcome = groupOutcome(selection, false);
  expect(outcome.start).toEqual([]);
  expect(outcome.declined.map((d) => d.node)).toEqual([
    'empty',
    'floor',
    'queued',
    'pinned',
    'resting',
  ]);
  for (const decline of outcome.declined) {
    expect(decline).toMatchObject({
      blockedReason: 'policy_disabled',
      decisionReason: 'policy_disabled',
      safetyFailures: [],
    });
  }
});

test('a group with nothing eligible has nothing to start or count', () => {
  const quiet: CandidateSelection = {
    chosen: [],
    notChosen: [{ name: 'busy', reason: 'above_threshold', message: '...' }],
  };
  expect(groupOutcome(quiet, true)).toEqual({ start: [], declined: [] });
  expect(groupOutcome(quiet, false)).toEqual({ start: [], declined: [] });
});
