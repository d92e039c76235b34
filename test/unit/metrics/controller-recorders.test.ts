import { freshMetrics, histogramOf, valueOf } from './support';

test('recordReconcile counts by result and observes the duration', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordReconcile({ controller: 'nodegroup', result: 'success', durationSeconds: 0.02 });
  metrics.recordReconcile({ controller: 'nodegroup', result: 'requeue', durationSeconds: 0.2 });
  const total = 'vpsie_autoscaler_controller_reconcile_total';
  expect(await valueOf(registry, total, { controller: 'nodegroup', result: 'success' })).toBe(1);
  expect(await valueOf(registry, total, { controller: 'nodegroup', result: 'requeue' })).toBe(1);
  const duration = await histogramOf(
    registry,
    'vpsie_autoscaler_controller_reconcile_duration_seconds',
    {
      controller: 'nodegroup',
    },
  );
  expect(duration.count).toBe(2);
  expect(duration.sum).toBeCloseTo(0.22);
  expect(duration.buckets).toMatchObject({ '0.01': 0, '0.025': 1, '0.25': 2 });
  expect(
    (await registry.getSingleMetric('vpsie_autoscaler_controller_reconcile_errors_total')!.get())
      .values,
  ).toEqual([]);
});

test('a failed reconcile is counted as a result and as an error of its type', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordReconcile({
    controller: 'vpsienode',
    result: 'error',
    errorType: 'kubernetes_api',
    durationSeconds: 1,
  });
  expect(
    await valueOf(registry, 'vpsie_autoscaler_controller_reconcile_total', {
      controller: 'vpsienode',
      result: 'error',
    }),
  ).toBe(1);
  expect(
    await valueOf(registry, 'vpsie_autoscaler_controller_reconcile_errors_total', {
      controller: 'vpsienode',
      error_type: 'kubernetes_api',
    }),
  ).toBe(1);
});

test('setPendingPods publishes a snapshot; namespaces that emptied drop to 0', async () => {
  const { registry, metrics } = freshMetrics();
  const pending = (namespace: string) =>
    valueOf(registry, 'vpsie_autoscaler_pending_pods_current', { namespace });
  metrics.setPendingPods({ web: 4, batch: 2 });
  expect(await pending('web')).toBe(4);
  expect(await pending('batch')).toBe(2);
  metrics.setPendingPods({ web: 1 });
  expect(await pending('web')).toBe(1);
  expect(await pending('batch')).toBe(0);
  metrics.setPendingPods({});
  expect(await pending('web')).toBe(0);
});

test('setPendingPods adds up namespaces whose names sanitise to the same value', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.setPendingPods({ 'a b': 1, a_b: 2 });
  expect(
    await valueOf(registry, 'vpsie_autoscaler_pending_pods_current', { namespace: 'a_b' }),
  ).toBe(3);
});

test('recordUnschedulablePod counts by constraint and pod namespace', async () => {
  const { registry, metrics } = freshMetrics();
  metrics.recordUnschedulablePod({ namespace: 'web', constraint: 'cpu' });
  metrics.recordUnschedulablePod({ namespace: 'web', constraint: 'cpu' });
  metrics.recordUnschedulablePod({ namespace: 'web', constraint: 'taint' });
  const name = 'vpsie_autoscaler_unschedulable_pods_total';
  expect(await valueOf(registry, name, { namespace: 'web', constraint: 'cpu' })).toBe(2);
  expect(await valueOf(registry, name, { namespace: 'web', constraint: 'taint' })).toBe(1);
});
