// Every metric family the autoscaler exports, as data. This file is the single source of truth:
// the registry is built from it, docs/operations/metrics.md is generated from it, and dashboards
// and alert rules can be checked against it (names carry the prefix; the earlier Go dashboards
// forgot it). Each family here must be updated by real code: no placeholders.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  CIRCUIT_STATES,
  DRAIN_STATUSES,
  PROVISIONING_FAILURE_REASONS,
  PROVISIONING_RESULTS,
  RECONCILE_ERROR_TYPES,
  RECONCILE_RESULTS,
  SAFETY_CHECK_TYPES,
  SCALE_DOWN_BLOCKED_REASONS,
  SCALE_DOWN_ERROR_TYPES,
  SCALING_DECISION_REASONS,
  SCALING_DECISIONS,
  UNSCHEDULABLE_CONSTRAINTS,
  VPSIE_API_ERROR_TYPES,
  VPSIE_NODE_PHASES,
} from './label-values';

export const METRIC_PREFIX = 'vpsie_autoscaler_';

export type MetricType = 'counter' | 'gauge' | 'histogram';
/**
 * Which process updates the family. Both register every family (one createMetrics each), but
 * labelled series only appear in the /metrics of the process that records them.
 */
export type MetricProcess = 'controller' | 'worker' | 'controller and worker';
/** Heading the family is listed under in the docs. */
export type MetricArea =
  'Scale-down safety' | 'Node groups' | 'Controller' | 'VPSie API' | 'Scaling and provisioning';

interface FamilyBase<L extends string> {
  /** Exported name, prefix included. */
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Labels whose values form a closed set, with that set. Other labels are sanitised names. */
  readonly labelValues: Partial<Record<L, readonly string[]>>;
  readonly area: MetricArea;
  readonly process: MetricProcess;
  /** Who updates it and when: the contract the instrumented code has to keep. */
  readonly updatedBy: string;
}
export interface CounterFamily<L extends string = string> extends FamilyBase<L> {
  readonly type: 'counter';
}
export interface GaugeFamily<L extends string = string> extends FamilyBase<L> {
  readonly type: 'gauge';
}
export interface HistogramFamily<L extends string = string> extends FamilyBase<L> {
  readonly type: 'histogram';
  readonly buckets: readonly number[];
}
export type MetricFamily = CounterFamily | GaugeFamily | HistogramFamily;

// NoInfer: label names are inferred from `labelNames` only, so a `labelValues` key that is not
// one of them is a compile error instead of a silently widened label set.
type Spec<F, L extends string> = Omit<F, 'type' | 'name' | 'labelValues'> & {
  /** Name without the prefix. */
  readonly name: string;
  readonly labelValues?: Partial<Record<NoInfer<L>, readonly string[]>>;
};

const counter = <const L extends string>(spec: Spec<CounterFamily<L>, L>): CounterFamily<L> => ({
  ...spec,
  type: 'counter',
  name: METRIC_PREFIX + spec.name,
  labelValues: spec.labelValues ?? {},
});
const gauge = <const L extends string>(spec: Spec<GaugeFamily<L>, L>): GaugeFamily<L> => ({
  ...spec,
  type: 'gauge',
  name: METRIC_PREFIX + spec.name,
  labelValues: spec.labelValues ?? {},
});
const histogram = <const L extends string>(
  spec: Spec<HistogramFamily<L>, L>,
): HistogramFamily<L> => ({
  ...spec,
  type: 'histogram',
  name: METRIC_PREFIX + spec.name,
  labelValues: spec.labelValues ?? {},
});

const GROUP = ['nodegroup', 'namespace'] as const;
const CONTROLLER_RECONCILER = 'controller: NodeGroup reconciler, on every reconcile of the group';

// Drains range from an empty node (seconds) to PDB-bound evictions near the drain timeout.
const DRAIN_SECONDS_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600];
const PODS_EVICTED_BUCKETS = [0, 1, 2, 5, 10, 20, 50, 100, 200];
// VM creation + boot + kubelet join: minutes, with a 10 min provisioning and 15 min join timeout.
const PROVISIONING_SECONDS_BUCKETS = [30, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800];
const TERMINATION_SECONDS_BUCKETS = [5, 10, 30, 60, 120, 300, 600, 900, 1800];
// A reconcile is mostly cache reads plus a few API writes.
const RECONCILE_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const API_SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const METRIC_FAMILIES = {
  // --- Scale-down safety (the four families added by work plan P1.9) ---
  scaleDownBlocked: counter({
    name: 'scale_down_blocked_total',
    help: 'Scale-downs that did not happen, by the reason that stopped them.',
    labelNames: [...GROUP, 'reason'],
    labelValues: { reason: SCALE_DOWN_BLOCKED_REASONS },
    area: 'Scale-down safety',
    process: 'controller and worker',
    updatedBy:
      "controller on every pass (each utilizationSampleIntervalSeconds) for each node unneeded long enough that it still does not remove (policy, paused, cooldown, min nodes, concurrency, a failing safety check); worker when a scale-down workflow's own safety re-check blocks it. A steadily rising rate for one reason is a node held back for that reason",
  }),
  safetyCheckFailures: counter({
    name: 'safety_check_failures_total',
    help: 'Failed scale-down safety checks, one per failing check per evaluated node.',
    labelNames: ['check_type', ...GROUP],
    labelValues: { check_type: SAFETY_CHECK_TYPES },
    area: 'Scale-down safety',
    process: 'controller and worker',
    updatedBy:
      'whoever evaluates the checks: the controller before choosing a node (each pass), the worker when a scale-down workflow re-checks it',
  }),
  nodeDrainDuration: histogram({
    name: 'node_drain_duration_seconds',
    help: 'Time to drain a node before removal, by outcome.',
    labelNames: [...GROUP, 'status'],
    labelValues: { status: DRAIN_STATUSES },
    buckets: DRAIN_SECONDS_BUCKETS,
    area: 'Scale-down safety',
    process: 'worker',
    updatedBy: 'worker: drain activity of the scale-down workflow, once per drain attempt',
  }),
  nodeDrainPodsEvicted: histogram({
    name: 'node_drain_pods_evicted',
    help: 'Pods evicted by one node drain (including drains that then failed).',
    labelNames: GROUP,
    buckets: PODS_EVICTED_BUCKETS,
    area: 'Scale-down safety',
    process: 'worker',
    updatedBy: 'worker: drain activity of the scale-down workflow, once per drain attempt',
  }),
  scaleDownPaused: gauge({
    name: 'scale_down_paused',
    help: '1 while scale-down of the node group is paused by an operator, else 0.',
    labelNames: GROUP,
    area: 'Scale-down safety',
    process: 'controller',
    updatedBy: CONTROLLER_RECONCILER,
  }),

  // --- Node groups ---
  nodeGroupDesiredNodes: gauge({
    name: 'nodegroup_desired_nodes',
    help: 'Nodes the node group should have (status.desiredNodes).',
    labelNames: GROUP,
    area: 'Node groups',
    process: 'controller',
    updatedBy: CONTROLLER_RECONCILER,
  }),
  nodeGroupCurrentNodes: gauge({
    name: 'nodegroup_current_nodes',
    help: 'Nodes the node group has, not counting nodes being deleted (status.currentNodes).',
    labelNames: GROUP,
    area: 'Node groups',
    process: 'controller',
    updatedBy: CONTROLLER_RECONCILER,
  }),
  nodeGroupReadyNodes: gauge({
    name: 'nodegroup_ready_nodes',
    help: 'Nodes of the node group that are Ready in Kubernetes (status.readyNodes).',
    labelNames: GROUP,
    area: 'Node groups',
    process: 'controller',
    updatedBy: CONTROLLER_RECONCILER,
  }),
  nodeGroupMinNodes: gauge({
    name: 'nodegroup_min_nodes',
    help: 'Configured minimum size of the node group (spec.minNodes).',
    labelNames: GROUP,
    area: 'Node groups',
    process: 'controller',
    updatedBy: CONTROLLER_RECONCILER,
  }),
  nodeGroupMaxNodes: gauge({
    name: 'nodegroup_max_nodes',
    help: 'Configured maximum size of the node group (spec.maxNodes).',
    labelNames: GROUP,
    area: 'Node groups',
    process: 'controller',
    updatedBy: CONTROLLER_RECONCILER,
  }),
  nodeGroupLastReconcile: gauge({
    name: 'nodegroup_last_reconcile_timestamp_seconds',
    help: 'Unix time the node group gauges were last published; old means stale gauges.',
    labelNames: GROUP,
    area: 'Node groups',
    process: 'controller',
    updatedBy: CONTROLLER_RECONCILER,
  }),
  vpsieNodePhase: gauge({
    name: 'vpsienode_phase',
    help: 'VPSieNodes of the node group in each phase (every phase present, 0 when none).',
    labelNames: ['phase', ...GROUP],
    labelValues: { phase: VPSIE_NODE_PHASES },
    area: 'Node groups',
    process: 'controller',
    updatedBy: CONTROLLER_RECONCILER,
  }),
  vpsieNodePhaseTransitions: counter({
    name: 'vpsienode_phase_transitions_total',
    help: 'VPSieNode status.phase changes, by old and new phase.',
    labelNames: ['from_phase', 'to_phase', ...GROUP],
    labelValues: { from_phase: VPSIE_NODE_PHASES, to_phase: VPSIE_NODE_PHASES },
    area: 'Node groups',
    process: 'controller and worker',
    updatedBy: 'the code that writes a new status.phase, right after the write succeeds',
  }),

  // --- Controller ---
  reconcileDuration: histogram({
    name: 'controller_reconcile_duration_seconds',
    help: 'Time one reconcile took, whatever its result.',
    labelNames: ['controller'],
    buckets: RECONCILE_SECONDS_BUCKETS,
    area: 'Controller',
    process: 'controller',
    updatedBy: 'controller: every reconciler, once per reconcile',
  }),
  reconcileTotal: counter({
    name: 'controller_reconcile_total',
    help: 'Reconciles, by result; flat means the controller is not reconciling.',
    labelNames: ['controller', 'result'],
    labelValues: { result: RECONCILE_RESULTS },
    area: 'Controller',
    process: 'controller',
    updatedBy: 'controller: every reconciler, once per reconcile',
  }),
  reconcileErrors: counter({
    name: 'controller_reconcile_errors_total',
    help: 'Reconciles that ended in an error, by error type.',
    labelNames: ['controller', 'error_type'],
    labelValues: { error_type: RECONCILE_ERROR_TYPES },
    area: 'Controller',
    process: 'controller',
    updatedBy: 'controller: every reconciler, once per failed reconcile',
  }),
  pendingPods: gauge({
    name: 'pending_pods_current',
    help: 'Pods the scheduler marked unschedulable, now, by the pod namespace.',
    labelNames: ['namespace'],
    area: 'Controller',
    process: 'controller',
    updatedBy:
      'controller: pending-pod watcher, from a full snapshot each pass (namespaces that emptied drop to 0)',
  }),
  unschedulablePods: counter({
    name: 'unschedulable_pods_total',
    help: 'Pods newly seen unschedulable, by the constraint the scheduler reported.',
    labelNames: ['constraint', 'namespace'],
    labelValues: { constraint: UNSCHEDULABLE_CONSTRAINTS },
    area: 'Controller',
    process: 'controller',
    updatedBy:
      'controller: pending-pod watcher, once per pod and constraint when first seen (not every pass)',
  }),

  podsWithoutScaleUp: counter({
    name: 'scale_up_impossible_pods_total',
    help: 'Pending pods no NodeGroup can ever run (so no scale-up), by the first constraint that rules out a new node.',
    labelNames: ['constraint', 'namespace'],
    labelValues: { constraint: UNSCHEDULABLE_CONSTRAINTS },
    area: 'Scaling and provisioning',
    process: 'controller',
    updatedBy:
      'controller: scale-up planner, once per pod and verdict (again only when the verdict changes)',
  }),

  // --- VPSie API ---
  vpsieApiRequests: counter({
    name: 'vpsie_api_requests_total',
    help: 'Finished VPSie API HTTP exchanges, by HTTP status (or transport_error / timeout).',
    labelNames: ['method', 'status'],
    area: 'VPSie API',
    process: 'controller and worker',
    updatedBy: 'VPSie client through VpsieApiObserver.request, once per HTTP exchange',
  }),
  vpsieApiRequestDuration: histogram({
    name: 'vpsie_api_request_duration_seconds',
    help: 'Duration of one VPSie API HTTP exchange.',
    labelNames: ['method'],
    buckets: API_SECONDS_BUCKETS,
    area: 'VPSie API',
    process: 'controller and worker',
    updatedBy: 'VPSie client through VpsieApiObserver.request, once per HTTP exchange',
  }),
  vpsieApiErrors: counter({
    name: 'vpsie_api_errors_total',
    help: 'Failed VPSie API operations (after the client classified the failure).',
    labelNames: ['method', 'error_type'],
    labelValues: { error_type: VPSIE_API_ERROR_TYPES },
    area: 'VPSie API',
    process: 'controller and worker',
    updatedBy: 'VPSie client through VpsieApiObserver.error, once per failed operation',
  }),
  vpsieApiRateLimited: counter({
    name: 'vpsie_api_rate_limited_total',
    help: 'Requests the VPSie API answered with 429 or our own rate limiter delayed.',
    labelNames: [],
    area: 'VPSie API',
    process: 'controller and worker',
    updatedBy: 'VPSie client through VpsieApiObserver.rateLimited',
  }),
  vpsieApiCircuitBreakerState: gauge({
    name: 'vpsie_api_circuit_breaker_state',
    help: 'Circuit breaker of the VPSie client: 1 for the current state, 0 for the others.',
    labelNames: ['state'],
    labelValues: { state: CIRCUIT_STATES },
    area: 'VPSie API',
    process: 'controller and worker',
    updatedBy: 'VPSie client through VpsieApiObserver.circuitStateChanged (starts closed)',
  }),
  vpsieApiCircuitBreakerOpened: counter({
    name: 'vpsie_api_circuit_breaker_opened_total',
    help: 'Times the VPSie client circuit breaker opened.',
    labelNames: [],
    area: 'VPSie API',
    process: 'controller and worker',
    updatedBy: 'VPSie client through VpsieApiObserver.circuitStateChanged, on entering open',
  }),

  // --- Scaling and provisioning ---
  scalingDecisions: counter({
    name: 'scaling_decisions_total',
    help: 'Scaling decisions the controller took for a node group, with the reason.',
    labelNames: [...GROUP, 'decision', 'reason'],
    labelValues: { decision: SCALING_DECISIONS, reason: SCALING_DECISION_REASONS },
    area: 'Scaling and provisioning',
    process: 'controller',
    updatedBy: 'controller: scaling planner, once per decision it acts on or declines',
  }),
  scaleUp: counter({
    name: 'scale_up_total',
    help: 'Scale-up operations started (a pass that created VPSieNodes for the group).',
    labelNames: GROUP,
    area: 'Scaling and provisioning',
    process: 'controller',
    updatedBy: 'controller: scale-up pass, once per group it created VPSieNodes for',
  }),
  scaleUpNodesAdded: counter({
    name: 'scale_up_nodes_added',
    help: 'Nodes requested by scale-ups (one VPSieNode, then one provisioning workflow, each).',
    labelNames: GROUP,
    area: 'Scaling and provisioning',
    process: 'controller',
    updatedBy: 'controller: scale-up pass, by the VPSieNodes it created for the group',
  }),
  scaleDown: counter({
    name: 'scale_down_total',
    help: 'Scale-down operations that removed at least one node.',
    labelNames: GROUP,
    area: 'Scaling and provisioning',
    process: 'worker',
    updatedBy: 'worker: scale-down workflow, when its last node is removed',
  }),
  scaleDownNodesRemoved: counter({
    name: 'scale_down_nodes_removed',
    help: 'Nodes removed by scale-down operations.',
    labelNames: GROUP,
    area: 'Scaling and provisioning',
    process: 'worker',
    updatedBy: 'worker: scale-down workflow, when its last node is removed',
  }),
  scaleDownErrors: counter({
    name: 'scale_down_errors_total',
    help: 'Scale-down operations that failed, by error type.',
    labelNames: [...GROUP, 'error_type'],
    labelValues: { error_type: SCALE_DOWN_ERROR_TYPES },
    area: 'Scaling and provisioning',
    process: 'worker',
    updatedBy: 'worker: scale-down workflow, once per failed operation',
  }),
  nodeProvisioningDuration: histogram({
    name: 'node_provisioning_duration_seconds',
    help: 'Time from provisioning start to node Ready (or to failure / cancellation).',
    labelNames: [...GROUP, 'result'],
    labelValues: { result: PROVISIONING_RESULTS },
    buckets: PROVISIONING_SECONDS_BUCKETS,
    area: 'Scaling and provisioning',
    process: 'worker',
    updatedBy: 'worker: provisioning workflow, once when it ends',
  }),
  nodeProvisioningFailures: counter({
    name: 'node_provisioning_failures_total',
    help: 'Provisionings that did not produce a Ready node, by reason (cancelled included).',
    labelNames: [...GROUP, 'reason'],
    labelValues: { reason: PROVISIONING_FAILURE_REASONS },
    area: 'Scaling and provisioning',
    process: 'worker',
    updatedBy: 'worker: provisioning workflow, once when it ends without a Ready node',
  }),
  nodeTerminationDuration: histogram({
    name: 'node_termination_duration_seconds',
    help: 'Time from cordon to the VM deleted and the Node object gone.',
    labelNames: GROUP,
    buckets: TERMINATION_SECONDS_BUCKETS,
    area: 'Scaling and provisioning',
    process: 'worker',
    updatedBy: 'worker: scale-down workflow, once per node it removes',
  }),
  workflowActivityRetries: counter({
    name: 'workflow_activity_retries_total',
    help: 'Activity attempts after the first (Temporal retries), by workflow and activity.',
    labelNames: ['workflow', 'activity'],
    area: 'Scaling and provisioning',
    process: 'worker',
    updatedBy: 'worker: activity interceptor, on every attempt > 1',
  }),
};

export type MetricFamilies = typeof METRIC_FAMILIES;
export type MetricKey = keyof MetricFamilies;

/** All families in definition order. */
export const ALL_METRIC_FAMILIES: readonly MetricFamily[] = Object.values(METRIC_FAMILIES);

type InstrumentFor<F> =
  F extends HistogramFamily<infer L>
    ? Histogram<L>
    : F extends GaugeFamily<infer L>
      ? Gauge<L>
      : F extends CounterFamily<infer L>
        ? Counter<L>
        : never;

/** The prom-client object of each family, typed with its label names. */
export type MetricInstruments = { readonly [K in MetricKey]: InstrumentFor<MetricFamilies[K]> };

function createInstrument(family: MetricFamily, registry: Registry): Counter | Gauge | Histogram {
  const common = {
    name: family.name,
    help: family.help,
    labelNames: [...family.labelNames],
    registers: [registry],
  };
  switch (family.type) {
    case 'counter':
      return new Counter(common);
    case 'gauge':
      return new Gauge(common);
    case 'histogram':
      return new Histogram({ ...common, buckets: [...family.buckets] });
  }
}

/**
 * Registers every family into `registry` (never the prom-client global one: each process and
 * each test owns its registry). Throws if a family is already registered there.
 */
export function registerMetricFamilies(registry: Registry): MetricInstruments {
  const instruments: Record<string, Counter | Gauge | Histogram> = {};
  for (const [key, family] of Object.entries(METRIC_FAMILIES) as [MetricKey, MetricFamily][]) {
    instruments[key] = createInstrument(family, registry);
  }
  // Built from METRIC_FAMILIES key by key, with the instrument class chosen by `type`.
  return instruments as unknown as MetricInstruments;
}
