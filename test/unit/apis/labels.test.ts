// Label, annotation and finalizer keys: the reference's spellings, valid, and all documented.
import {
  ANNOTATIONS,
  FINALIZERS,
  LABELS,
  QUALIFIED_NAME,
  TAINTS,
  WELL_KNOWN_KEYS,
} from '../../../src/apis/v1alpha1';

const all = [
  ...Object.values(LABELS),
  ...Object.values(ANNOTATIONS),
  ...Object.values(FINALIZERS),
  ...Object.values(TAINTS),
];

test('the keys are those of the earlier autoscaler, plus ours for cluster-scoped Nodes', () => {
  expect(Object.values(LABELS)).toEqual([
    'autoscaler.vpsie.com/managed',
    'autoscaler.vpsie.com/nodegroup',
    'autoscaler.vpsie.com/nodegroup-namespace',
    'autoscaler.vpsie.com/vpsienode',
    'autoscaler.vpsie.com/datacenter',
  ]);
  expect(Object.values(ANNOTATIONS)).toEqual([
    'autoscaler.vpsie.com/protected',
    'autoscaler.vpsie.com/scale-down-disabled',
    'autoscaler.vpsie.com/drain-start-time',
    'autoscaler.vpsie.com/drain-status',
    'autoscaler.vpsie.com/unschedulable-before-drain',
  ]);
  expect(Object.values(TAINTS)).toEqual(['autoscaler.vpsie.com/to-be-deleted']);
  expect(Object.values(FINALIZERS)).toEqual([
    'vpsienode.autoscaler.vpsie.com/finalizer',
    'node.autoscaler.vpsie.com/finalizer',
  ]);
});

test('every key is a valid qualified name (what the API server requires of them)', () => {
  for (const key of all) expect(key).toMatch(QUALIFIED_NAME);
});

test('every key is documented exactly once, with its kind', () => {
  expect(WELL_KNOWN_KEYS.map((k) => k.key).sort()).toEqual([...all].sort());
  const kindOf = new Map(WELL_KNOWN_KEYS.map((k) => [k.key, k.kind]));
  for (const key of Object.values(LABELS)) expect(kindOf.get(key)).toBe('label');
  for (const key of Object.values(ANNOTATIONS)) expect(kindOf.get(key)).toBe('annotation');
  for (const key of Object.values(FINALIZERS)) expect(kindOf.get(key)).toBe('finalizer');
  for (const key of Object.values(TAINTS)) expect(kindOf.get(key)).toBe('taint');
});
