import { freshMetrics, histogramOf, valueOf } from './support';

const group = { nodeGroup: 'workers', namespace: 'prod' };
const groupLabels = { nodegroup: 'workers', namespace: 'prod' };
const DURATION = 'vpsie_autoscaler_node_provisioning_duration_seconds';
const FAILURES = 'vpsie_autoscaler_node_provisioning_failures_total';

test('recordScalingDecision counts by decision and reason', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordScalingDecision({ ...group, decision: 'scale_up', reason: 'unschedulable_pods' });
  metrics.recordScalingDecision({ ...group, decision: 'no_change', reason: 'at_max_nodes' });
  metrics.recordScalingDecision({ ...group, decision: 'no_change', reason: 'at_max_nodes' });
  const name = 'vpsie_autoscaler_scaling_decisions_total';
  expect(
    await valueOf(registry, name, {
      ...groupLabels,
      decision: 'scale_up',
      reason: 'unschedulable_pods',
    }),
  ).toBe(1);
  expect(
    await valueOf(registry, name, {
      ...groupLabels,
      decision: 'no_change',
      reason: 'at_max_nodes',
    }),
  ).toBe(2);
});

test('recordScaleUp counts operations and requested nodes', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordScaleUp({ ...group, nodesAdded: 3 });
  metrics.recordScaleUp({ ...group, nodesAdded: 1 });
  expect(await valueOf(registry, 'vpsie_autoscaler_scale_up_total', groupLabels)).toBe(2);
  expect(await valueOf(registry, 'vpsie_autoscaler_scale_up_nodes_added', groupLabels)).toBe(4);
});

test('a successful provisioning is observed with result success and is no failure', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordNodeProvisioningSucceeded({ ...group, durationSeconds: 250 });
  const success = await histogramOf(registry, DURATION, { ...groupLabels, result: 'success' });
  expect(success).toMatchObject({ count: 1, sum: 250 });
  expect(success.buckets).toMatchObject({ '240': 0, '300': 1, '1800': 1 });
  expect((await registry.getSingleMetric(FAILURES)!.get()).values).toEqual([]);
});

test('a failed provisioning is observed as failure and counted with its reason', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordNodeProvisioningFailed({ ...group, durationSeconds: 900, reason: 'join_timeout' });
  expect(
    await histogramOf(registry, DURATION, { ...groupLabels, result: 'failure' }),
  ).toMatchObject({
    count: 1,
    sum: 900,
  });
  expect(await valueOf(registry, FAILURES, { ...groupLabels, reason: 'join_timeout' })).toBe(1);
});

test('a cancelled provisioning is observed as cancelled, not as failure', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordNodeProvisioningFailed({ ...group, durationSeconds: 20, reason: 'cancelled' });
  expect(
    await histogramOf(registry, DURATION, { ...groupLabels, result: 'cancelled' }),
  ).toMatchObject({
    count: 1,
  });
  expect(
    (await histogramOf(registry, DURATION, { ...groupLabels, result: 'failure' })).count,
  ).toBeUndefined();
  expect(await valueOf(registry, FAILURES, { ...groupLabels, reason: 'cancelled' })).toBe(1);
});

test('recordActivityRetry counts retries per workflow and activity', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordActivityRetry({ workflow: 'provisionNode', activity: 'createVm' });
  metrics.recordActivityRetry({ workflow: 'provisionNode', activity: 'createVm' });
  expect(
    await valueOf(registry, 'vpsie_autoscaler_workflow_activity_retries_total', {
      workflow: 'provisionNode',
      activity: 'createVm',
    }),
  ).toBe(2);
});
