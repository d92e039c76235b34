import { freshMetrics, valueOf } from './support';
import { VPSIE_NODE_PHASES } from '../../../src/metrics/label-values';

const group = { nodeGroup: 'workers', namespace: 'prod' };
const groupLabels = { nodegroup: 'workers', namespace: 'prod' };
const status = { ...group, desired: 5, current: 4, ready: 3, min: 1, max: 10 };

test('recordNodeGroupStatus publishes the five sizes and the time of publication', async () => {
  const { registry, metrics } = freshMetrics(() => 1_700_000_000_500);
  metrics.recordNodeGroupStatus(status);
  const read = (suffix: string) =>
    valueOf(registry, `vpsie_autoscaler_nodegroup_${suffix}`, groupLabels);
  expect(await read('desired_nodes')).toBe(5);
  expect(await read('current_nodes')).toBe(4);
  expect(await read('ready_nodes')).toBe(3);
  expect(await read('min_nodes')).toBe(1);
  expect(await read('max_nodes')).toBe(10);
  expect(await read('last_reconcile_timestamp_seconds')).toBe(1_700_000_000.5);
});

test('setVpsieNodePhaseCounts sets every phase, absent ones to 0', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.setVpsieNodePhaseCounts({ ...group, counts: { Ready: 3, Provisioning: 1 } });
  const phase = (p: string) =>
    valueOf(registry, 'vpsie_autoscaler_vpsienode_phase', { ...groupLabels, phase: p });
  expect(await phase('Ready')).toBe(3);
  expect(await phase('Provisioning')).toBe(1);
  for (const p of VPSIE_NODE_PHASES.filter((x) => x !== 'Ready' && x !== 'Provisioning')) {
    expect(await phase(p)).toBe(0);
  }
  // A later snapshot replaces the earlier one, including phases that emptied.
  metrics.setVpsieNodePhaseCounts({ ...group, counts: { Ready: 4 } });
  expect(await phase('Provisioning')).toBe(0);
  expect(await phase('Ready')).toBe(4);
});

test('recordVpsieNodePhaseTransition counts transitions by old and new phase', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordVpsieNodePhaseTransition({ ...group, from: 'Joining', to: 'Ready' });
  metrics.recordVpsieNodePhaseTransition({ ...group, from: 'Joining', to: 'Ready' });
  metrics.recordVpsieNodePhaseTransition({ ...group, from: 'Joining', to: 'Failed' });
  const name = 'vpsie_autoscaler_vpsienode_phase_transitions_total';
  expect(
    await valueOf(registry, name, { ...groupLabels, from_phase: 'Joining', to_phase: 'Ready' }),
  ).toBe(2);
  expect(
    await valueOf(registry, name, { ...groupLabels, from_phase: 'Joining', to_phase: 'Failed' }),
  ).toBe(1);
});

test('forgetNodeGroup removes the gauges of that group only and keeps counters', async () => {
  const { registry, metrics } = freshMetrics();
  const other = { nodeGroup: 'gpu', namespace: 'prod' };
  for (const g of [group, other]) {
    metrics.recordNodeGroupStatus({ ...status, ...g });
    metrics.setVpsieNodePhaseCounts({ ...g, counts: { Ready: 1 } });
    metrics.setScaleDownPaused({ ...g, paused: true });
    metrics.recordScaleUp({ ...g, nodesAdded: 1 });
  }
  metrics.forgetNodeGroup(group);

  const text = await registry.metrics();
  const gaugeLines = text
    .split('\n')
    .filter((l) => l.includes('nodegroup="workers"') && !l.startsWith('#'));
  expect(gaugeLines).toEqual([
    'vpsie_autoscaler_scale_up_total{nodegroup="workers",namespace="prod"} 1',
    'vpsie_autoscaler_scale_up_nodes_added{nodegroup="workers",namespace="prod"} 1',
  ]);
  expect(
    await valueOf(registry, 'vpsie_autoscaler_nodegroup_max_nodes', {
      nodegroup: 'gpu',
      namespace: 'prod',
    }),
  ).toBe(10);
  expect(
    await valueOf(registry, 'vpsie_autoscaler_scale_down_paused', {
      nodegroup: 'gpu',
      namespace: 'prod',
    }),
  ).toBe(1);
});
