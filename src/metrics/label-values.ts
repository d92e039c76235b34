// The closed sets of label values, each defined once. Recorders reject anything outside them
// (a typo must not silently create a new time series), definitions.ts attaches them to the
// families so the generated docs, dashboards and alert rules can be checked against them.
import { VPSIE_NODE_PHASES } from '../apis/v1alpha1/vpsienode';
import { SAFETY_CHECK_CODES } from '../disruption/safety/codes';
import type { CircuitState, VpsieErrorType } from '../vpsie/observer';

/** Checks that can stop a node from being removed: the disruption package's reason codes. */
export const SAFETY_CHECK_TYPES = SAFETY_CHECK_CODES;
export type SafetyCheckType = (typeof SAFETY_CHECK_TYPES)[number];

/**
 * Why a scale-down did not happen: the failing safety check, or a reason that stops the
 * operation before any node is checked.
 */
export const SCALE_DOWN_BLOCKED_REASONS = [
  ...SAFETY_CHECK_TYPES,
  'policy_disabled',
  'operation_in_progress',
] as const;
export type ScaleDownBlockedReason = (typeof SCALE_DOWN_BLOCKED_REASONS)[number];

export const DRAIN_STATUSES = ['success', 'timeout', 'error'] as const;
export type DrainStatus = (typeof DRAIN_STATUSES)[number];

export const SCALE_DOWN_ERROR_TYPES = [
  'drain_timeout',
  'drain_error',
  'vpsie_api',
  'kubernetes_api',
  'cancelled',
  'unknown',
] as const;
export type ScaleDownErrorType = (typeof SCALE_DOWN_ERROR_TYPES)[number];

/** status.phase of a VPSieNode, in lifecycle order (from the CRD schema). */
export { VPSIE_NODE_PHASES };
export type VpsieNodePhase = (typeof VPSIE_NODE_PHASES)[number];

export const PROVISIONING_FAILURE_REASONS = [
  'quota',
  'boot_timeout',
  'join_timeout',
  'vpsie_api',
  'invalid_spec',
  'cancelled',
  'unknown',
] as const;
export type ProvisioningFailureReason = (typeof PROVISIONING_FAILURE_REASONS)[number];

/** `result` of node_provisioning_duration_seconds; a cancellation is not counted as a failure. */
export const PROVISIONING_RESULTS = ['success', 'failure', 'cancelled'] as const;
export type ProvisioningResult = (typeof PROVISIONING_RESULTS)[number];

export const RECONCILE_RESULTS = ['success', 'requeue', 'error'] as const;
export type ReconcileResult = (typeof RECONCILE_RESULTS)[number];

export const RECONCILE_ERROR_TYPES = [
  'kubernetes_api',
  'vpsie_api',
  'temporal',
  'invalid_spec',
  'conflict',
  'unknown',
] as const;
export type ReconcileErrorType = (typeof RECONCILE_ERROR_TYPES)[number];

/** What the scheduler said a pending pod lacked (from its PodScheduled=False message). */
export const UNSCHEDULABLE_CONSTRAINTS = [
  'cpu',
  'memory',
  'ephemeral_storage',
  'pods',
  'node_selector',
  'node_affinity',
  'pod_affinity',
  'pod_anti_affinity',
  'taint',
  'topology_spread',
  'volume',
  'other',
] as const;
export type UnschedulableConstraint = (typeof UNSCHEDULABLE_CONSTRAINTS)[number];

export const SCALING_DECISIONS = ['scale_up', 'scale_down', 'no_change'] as const;
export type ScalingDecision = (typeof SCALING_DECISIONS)[number];

export const SCALING_DECISION_REASONS = [
  'unschedulable_pods',
  'below_min_nodes',
  'above_max_nodes',
  'underutilized',
  'at_max_nodes',
  'at_min_nodes',
  'no_fitting_offering',
  'backoff',
  'cluster_limit',
  'cooldown',
  'policy_disabled',
  'paused',
  'operation_in_progress',
  'steady',
] as const;
export type ScalingDecisionReason = (typeof SCALING_DECISION_REASONS)[number];

// The two sets below mirror types owned by the VPSie client (src/vpsie/observer.ts). Writing
// them as records keyed by those types makes the compiler fail here if a value is added there.
const vpsieErrorTypes: Record<VpsieErrorType, true> = {
  not_found: true,
  permanent: true,
  rate_limited: true,
  auth: true,
  transient: true,
};
export const VPSIE_API_ERROR_TYPES = Object.keys(vpsieErrorTypes) as readonly VpsieErrorType[];

const circuitStates: Record<CircuitState, true> = { closed: true, open: true, half_open: true };
export const CIRCUIT_STATES = Object.keys(circuitStates) as readonly CircuitState[];

/** `status` of a VPSie API request besides a numeric HTTP code (see VpsieApiObserver). */
export const VPSIE_API_NON_HTTP_STATUSES = ['transport_error', 'timeout'] as const;
