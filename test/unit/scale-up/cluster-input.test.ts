import type { V1Node } from '@kubernetes/client-node';
import { LABELS, NodeGroup, VPSieNode, type VPSieNodePhase } from '../../../src/apis/v1alpha1';
import { clusterInput, isCurrent } from '../../../src/scheduling/cluster-input';
import type { OfferingInfo } from '../../../src/scheduling/types';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const small: OfferingInfo = {
  id: 'small',
  name: 'S',
  cpu: 2,
  ramMb: 4096,
  diskGb: 80,
  priceMonthly: 24,
};
const large: OfferingInfo = { id: 'large', name: 'L', cpu: 8, ramMb: 16384, diskGb: 320 };
const catalogue = new Map([
  ['small', small],
  ['large', large],
]);

function group(spec: Record<string, unknown> = {}, status?: Record<string, unknown>): NodeGroup {
  return NodeGroup.parse({
    apiVersion: 'autoscaler.vpsie.com/v1alpha1',
    kind: 'NodeGroup',
    metadata: { name: 'web', namespace: 'prod' },
    spec: {
      minNodes: 1,
      maxNodes: 5,
      datacenterID: 'dc1',
      offeringIDs: ['small', 'large', 'gone'],
      osImageID: 'img',
      kubernetesVersion: 'v1.34.4',
      ...spec,
    },
    ...(status ? { status } : {}),
  });
}

function vpsieNode(name: string, phase?: VPSieNodePhase, extra: Record<string, unknown> = {}) {
  return VPSieNode.parse({
    apiVersion: 'autoscaler.vpsie.com/v1alpha1',
    kind: 'VPSieNode',
    metadata: { name, namespace: 'prod', ...extra },
    spec: { nodeGroupName: 'web', datacenterID: 'dc1', instanceType: 'small' },
    ...(phase ? { status: { phase } } : {}),
  });
}

const readyNode = (name: string): V1Node => ({
  metadata: { name },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});

test('current nodes exclude deleted, failed and terminating ones', () => {
  expect(isCurrent(vpsieNode('a'))).toBe(true);
  expect(isCurrent(vpsieNode('b', 'Joining'))).toBe(true);
  expect(isCurrent(vpsieNode('c', 'Ready'))).toBe(true);
  expect(isCurrent(vpsieNode('d', 'Failed'))).toBe(false);
  expect(isCurrent(vpsieNode('e', 'Terminating'))).toBe(false);
  expect(isCurrent(vpsieNode('f', 'Ready', { deletionTimestamp: '2026-12-04T11:00:00Z' }))).toBe(
    false,
  );
});

test('a group view carries offerings, labels, reserve, limits and totals', () => {
  const nodes = [
    vpsieNode('web-a', 'Ready'),
    vpsieNode('web-b', 'Joining'),
    vpsieNode('web-c', 'Failed'),
  ];
  const input = clusterInput(
    [{ group: group({ labels: { tier: 'web' } }), vpsieNodes: nodes }],
    new Map([['web-a', readyNode('web-a')]]),
    catalogue,
    { defaultOfferingIds: [] },
    NOW,
  );
  const [view] = input.groups;
  expect(view!.offerings.map((o) => o.id)).toEqual(['small', 'large']);
  expect(view!.unknownOfferings).toEqual(['gone']);
  expect(view!.labels).toMatchObject({
    tier: 'web',
    [LABELS.nodeGroup]: 'web',
    [LABELS.nodeGroupNamespace]: 'prod',
    'kubernetes.io/os': 'linux',
  });
  expect(view!.systemReserved).toEqual({ cpu: 0, memory: 100 * 1024 * 1024 });
  expect(view!.currentNodes).toBe(2);
  // web-b has no Ready Node yet: its capacity is arriving, not present.
  expect(input.inFlight).toEqual([
    { group: { namespace: 'prod', name: 'web' }, offeringId: 'small', nodeName: 'web-b' },
  ]);
  expect(input.currentTotals).toEqual({ nodes: 2, cores: 4, memoryBytes: 2 * 4096 * 1024 * 1024 });
});

test('back-off counts only while it lasts', () => {
  const until = (ms: number) => ({
    backoff: { until: new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'), consecutiveFailures: 1 },
  });
  const active = clusterInput(
    [{ group: group({}, until(NOW + 60_000)), vpsieNodes: [] }],
    new Map(),
    catalogue,
    { defaultOfferingIds: [] },
    NOW,
  );
  expect(active.groups[0]!.backoffUntilMs).toBe(NOW + 60_000);
  const over = clusterInput(
    [{ group: group({}, until(NOW - 1000)), vpsieNodes: [] }],
    new Map(),
    catalogue,
    { defaultOfferingIds: [] },
    NOW,
  );
  expect(over.groups[0]!.backoffUntilMs).toBeUndefined();
});

test('groups without datacenter or offerings use the defaults, or are reported unusable', () => {
  const bare = group({ datacenterID: undefined, offeringIDs: undefined });
  const none = clusterInput(
    [{ group: bare, vpsieNodes: [] }],
    new Map(),
    catalogue,
    { defaultOfferingIds: [] },
    NOW,
  );
  expect(none.groups).toEqual([]);
  expect(none.unusable).toEqual([
    { group: 'prod/web', why: 'no spec.datacenterID and no scaling.defaultDatacenterId' },
  ]);
  const defaulted = clusterInput(
    [{ group: bare, vpsieNodes: [] }],
    new Map(),
    catalogue,
    { defaultDatacenterId: 'dc9', defaultOfferingIds: ['large'] },
    NOW,
  );
  expect(defaulted.groups[0]!.offerings.map((o) => o.id)).toEqual(['large']);
  expect(defaulted.groups[0]!.labels[LABELS.datacenter]).toBe('dc9');
});
