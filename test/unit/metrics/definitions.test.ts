import { register as globalRegistry, Registry, validateMetricName } from 'prom-client';
import {
  ALL_METRIC_FAMILIES,
  METRIC_FAMILIES,
  METRIC_PREFIX,
  registerMetricFamilies,
} from '../../../src/metrics/definitions';
import { createMetrics } from '../../../src/metrics/recorders';

const familyByName = new Map(ALL_METRIC_FAMILIES.map((f) => [f.name, f]));

// The list from the brief / work plan P1.9 (names without the prefix): every one must exist,
// and nothing else except the documented addition (last-reconcile timestamp for stale alerts).
const EXPECTED_FAMILIES = [
  'scale_down_blocked_total',
  'safety_check_failures_total',
  'node_drain_duration_seconds',
  'node_drain_pods_evicted',
  'nodegroup_desired_nodes',
  'nodegroup_current_nodes',
  'nodegroup_ready_nodes',
  'nodegroup_min_nodes',
  'nodegroup_max_nodes',
  'nodegroup_last_reconcile_timestamp_seconds',
  'vpsienode_phase',
  'vpsienode_phase_transitions_total',
  'controller_reconcile_duration_seconds',
  'controller_reconcile_errors_total',
  'controller_reconcile_total',
  'pending_pods_current',
  'unschedulable_pods_total',
  'vpsie_api_requests_total',
  'vpsie_api_request_duration_seconds',
  'vpsie_api_errors_total',
  'vpsie_api_rate_limited_total',
  'vpsie_api_circuit_breaker_state',
  'vpsie_api_circuit_breaker_opened_total',
  'scale_up_total',
  'scale_down_total',
  'scale_up_nodes_added',
  'scale_up_impossible_pods_total',
  'scale_down_nodes_removed',
  'scale_down_errors_total',
  'scaling_decisions_total',
  'node_provisioning_duration_seconds',
  'node_provisioning_failures_total',
  'node_termination_duration_seconds',
  'workflow_activity_retries_total',
  'scale_down_paused',
];

test('defines exactly the expected families, each with the prefix and a valid, unique name', () => {
  const names = ALL_METRIC_FAMILIES.map((f) => f.name);
  expect(new Set(names).size).toBe(names.length);
  expect([...names].sort()).toEqual(EXPECTED_FAMILIES.map((n) => METRIC_PREFIX + n).sort());
  for (const name of names) expect(validateMetricName(name)).toBe(true);
});

test('has no cost or rebalancer families', () => {
  expect(ALL_METRIC_FAMILIES.map((f) => f.name).join(' ')).not.toMatch(/cost|rebalanc|utilization/);
});

test('registers every family into the given registry with its type, help and labels', async () => {
  const registry = new Registry();
  registerMetricFamilies(registry);
  const registered = await registry.getMetricsAsJSON();
  expect(registered).toHaveLength(ALL_METRIC_FAMILIES.length);
  for (const family of ALL_METRIC_FAMILIES) {
    const metric = registered.find((m) => m.name === family.name);
    expect(metric).toMatchObject({ type: family.type, help: family.help });
    expect(registry.getSingleMetric(family.name)).toBeDefined();
  }
});

test('the four P1.9 families have the required types, labels and buckets', () => {
  expect(familyByName.get('vpsie_autoscaler_scale_down_blocked_total')).toMatchObject({
    type: 'counter',
    labelNames: ['nodegroup', 'namespace', 'reason'],
  });
  expect(familyByName.get('vpsie_autoscaler_safety_check_failures_total')).toMatchObject({
    type: 'counter',
    labelNames: ['check_type', 'nodegroup', 'namespace'],
  });
  expect(familyByName.get('vpsie_autoscaler_node_drain_duration_seconds')).toMatchObject({
    type: 'histogram',
    labelNames: ['nodegroup', 'namespace', 'status'],
    labelValues: { status: ['success', 'timeout', 'error'] },
    buckets: [5, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600],
  });
  expect(familyByName.get('vpsie_autoscaler_node_drain_pods_evicted')).toMatchObject({
    type: 'histogram',
    labelNames: ['nodegroup', 'namespace'],
    buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200],
  });
});

test('the registered histograms expose the defined buckets', async () => {
  const registry = new Registry();
  const metrics = createMetrics(registry, { processMetrics: false });
  metrics.recordNodeDrain({
    nodeGroup: 'g',
    namespace: 'n',
    status: 'success',
    durationSeconds: 1,
    podsEvicted: 0,
  });
  const text = await registry.metrics();
  for (const le of ['5', '3600', '+Inf']) {
    expect(text).toContain(
      `vpsie_autoscaler_node_drain_duration_seconds_bucket{le="${le}",nodegroup="g",namespace="n",status="success"} 1`,
    );
  }
  for (const le of ['0', '200']) {
    expect(text).toContain(
      `vpsie_autoscaler_node_drain_pods_evicted_bucket{le="${le}",nodegroup="g",namespace="n"} 1`,
    );
  }
});

test('closed label sets belong to labels of their family; buckets ascend; all documented', () => {
  for (const family of ALL_METRIC_FAMILIES) {
    for (const [label, values] of Object.entries(family.labelValues)) {
      expect(family.labelNames).toContain(label);
      expect(values!.length).toBeGreaterThan(0);
    }
    if (family.type === 'histogram') {
      const sorted = [...family.buckets].sort((a, b) => a - b);
      expect(family.buckets).toEqual(sorted);
      expect(new Set(family.buckets).size).toBe(family.buckets.length);
    }
    expect(family.help.length).toBeGreaterThan(10);
    expect(family.updatedBy.length).toBeGreaterThan(10);
  }
  expect(Object.keys(METRIC_FAMILIES)).toHaveLength(ALL_METRIC_FAMILIES.length);
});

test('uses only the registry it is given, never the prom-client global one', async () => {
  const before = (await globalRegistry.getMetricsAsJSON()).length;
  const a = new Registry();
  const b = new Registry();
  createMetrics(a, { processMetrics: true });
  createMetrics(b, { processMetrics: false });
  expect((await globalRegistry.getMetricsAsJSON()).length).toBe(before);
  expect(globalRegistry.getSingleMetric('vpsie_autoscaler_scale_up_total')).toBeUndefined();
  expect(b.getSingleMetric('process_resident_memory_bytes')).toBeUndefined();
});

test('process metrics are registered without our prefix when asked for', async () => {
  const registry = new Registry();
  createMetrics(registry);
  const text = await registry.metrics();
  expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  if (process.platform === 'linux') expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  expect(text).not.toContain('vpsie_autoscaler_process_');
});

test('registering twice into the same registry fails loudly', () => {
  const registry = new Registry();
  registerMetricFamilies(registry);
  expect(() => registerMetricFamilies(registry)).toThrow(/already been registered/);
});
