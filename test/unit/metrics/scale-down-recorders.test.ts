import { freshMetrics, histogramOf, valueOf } from './support';

const group = { nodeGroup: 'workers', namespace: 'prod' };
const groupLabels = { nodegroup: 'workers', namespace: 'prod' };

test('recordScaleDownBlocked counts per node group and reason', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordScaleDownBlocked({ ...group, reason: 'pdb' });
  metrics.recordScaleDownBlocked({ ...group, reason: 'pdb' });
  metrics.recordScaleDownBlocked({ ...group, reason: 'cooldown' });
  const name = 'vpsie_autoscaler_scale_down_blocked_total';
  expect(await valueOf(registry, name, { ...groupLabels, reason: 'pdb' })).toBe(2);
  expect(await valueOf(registry, name, { ...groupLabels, reason: 'cooldown' })).toBe(1);
  expect(await valueOf(registry, name, { ...groupLabels, reason: 'capacity' })).toBeUndefined();
});

test('recordSafetyCheckFailure counts per check type', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordSafetyCheckFailure({ ...group, checkType: 'local_storage' });
  metrics.recordSafetyCheckFailure({
    nodeGroup: 'other',
    namespace: 'prod',
    checkType: 'local_storage',
  });
  const name = 'vpsie_autoscaler_safety_check_failures_total';
  expect(await valueOf(registry, name, { ...groupLabels, check_type: 'local_storage' })).toBe(1);
  expect(
    await valueOf(registry, name, {
      nodegroup: 'other',
      namespace: 'prod',
      check_type: 'local_storage',
    }),
  ).toBe(1);
});

test('recordNodeDrain observes duration by status and the pods evicted', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordNodeDrain({ ...group, status: 'success', durationSeconds: 42, podsEvicted: 7 });
  metrics.recordNodeDrain({ ...group, status: 'timeout', durationSeconds: 300, podsEvicted: 3 });

  const success = await histogramOf(registry, 'vpsie_autoscaler_node_drain_duration_seconds', {
    ...groupLabels,
    status: 'success',
  });
  expect(success).toMatchObject({ count: 1, sum: 42 });
  expect(success.buckets).toMatchObject({ '30': 0, '60': 1, '+Inf': 1 });
  const timeout = await histogramOf(registry, 'vpsie_autoscaler_node_drain_duration_seconds', {
    ...groupLabels,
    status: 'timeout',
  });
  expect(timeout).toMatchObject({ count: 1, sum: 300 });

  const pods = await histogramOf(registry, 'vpsie_autoscaler_node_drain_pods_evicted', groupLabels);
  expect(pods).toMatchObject({ count: 2, sum: 10 });
  expect(pods.buckets).toMatchObject({ '2': 0, '5': 1, '10': 2 });
});

test('a drain that evicted nothing lands in the 0 bucket', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordNodeDrain({ ...group, status: 'success', durationSeconds: 0, podsEvicted: 0 });
  const pods = await histogramOf(registry, 'vpsie_autoscaler_node_drain_pods_evicted', groupLabels);
  expect(pods.buckets).toMatchObject({ '0': 1 });
});

test('recordScaleDown counts operations and removed nodes', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordScaleDown({ ...group, nodesRemoved: 1 });
  metrics.recordScaleDown({ ...group, nodesRemoved: 2 });
  expect(await valueOf(registry, 'vpsie_autoscaler_scale_down_total', groupLabels)).toBe(2);
  expect(await valueOf(registry, 'vpsie_autoscaler_scale_down_nodes_removed', groupLabels)).toBe(3);
});

test('recordScaleDownError counts by error type', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordScaleDownError({ ...group, errorType: 'drain_timeout' });
  expect(
    await valueOf(registry, 'vpsie_autoscaler_scale_down_errors_total', {
      ...groupLabels,
      error_type: 'drain_timeout',
    }),
  ).toBe(1);
});

test('recordNodeTermination observes the termination time', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordNodeTermination({ ...group, durationSeconds: 95.5 });
  const termination = await histogramOf(
    registry,
    'vpsie_autoscaler_node_termination_duration_seconds',
    groupLabels,
  );
  expect(termination).toMatchObject({ count: 1, sum: 95.5 });
  expect(termination.buckets).toMatchObject({ '60': 0, '120': 1 });
});

test('setScaleDownPaused is 1 while paused and 0 after resuming', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.setScaleDownPaused({ ...group, paused: true });
  expect(await valueOf(registry, 'vpsie_autoscaler_scale_down_paused', groupLabels)).toBe(1);
  metrics.setScaleDownPaused({ ...group, paused: false });
  expect(await valueOf(registry, 'vpsie_autoscaler_scale_down_paused', groupLabels)).toBe(0);
});
