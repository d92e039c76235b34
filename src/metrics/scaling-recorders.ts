// Recorders for the scaling planner and for provisioning: decisions, scale-ups started, and how
// each node's provisioning ended.
import type { MetricInstruments } from './definitions';
import {
  PROVISIONING_FAILURE_REASONS,
  SCALING_DECISION_REASONS,
  SCALING_DECISIONS,
  type ProvisioningFailureReason,
  type ScalingDecision,
  type ScalingDecisionReason,
} from './label-values';
import { count, durationSeconds, oneOf } from './metric-input-error';
import { nodeGroupLabels, type NodeGroupRef } from './node-group-ref';

export function scalingRecorders(m: MetricInstruments) {
  return {
    recordScalingDecision(
      input: NodeGroupRef & { decision: ScalingDecision; reason: ScalingDecisionReason },
    ): void {
      const decision = oneOf('decision', SCALING_DECISIONS, input.decision);
      const reason = oneOf('reason', SCALING_DECISION_REASONS, input.reason);
      m.scalingDecisions.inc({ ...nodeGroupLabels(input), decision, reason });
    },

    /** A scale-up started `nodesAdded` (>= 1) provisioning workflows. */
    recordScaleUp(input: NodeGroupRef & { nodesAdded: number }): void {
      const nodes = count('nodesAdded', input.nodesAdded, 1);
      const group = nodeGroupLabels(input);
      m.scaleUp.inc(group);
      m.scaleUpNodesAdded.inc(group, nodes);
    },

    /** Provisioning ended with a Ready node. */
    recordNodeProvisioningSucceeded(input: NodeGroupRef & { durationSeconds: number }): void {
      const seconds = durationSeconds('durationSeconds', input.durationSeconds);
      m.nodeProvisioningDuration.observe({ ...nodeGroupLabels(input), result: 'success' }, seconds);
    },

    /**
     * Provisioning ended without a Ready node. Reason `cancelled` is observed with result
     * `cancelled` so failure-rate alerts can leave out deliberate cancellations.
     */
    recordNodeProvisioningFailed(
      input: NodeGroupRef & { durationSeconds: number; reason: ProvisioningFailureReason },
    ): void {
      const reason = oneOf('reason', PROVISIONING_FAILURE_REASONS, input.reason);
      const seconds = durationSeconds('durationSeconds', input.durationSeconds);
      const group = nodeGroupLabels(input);
      const result = reason === 'cancelled' ? 'cancelled' : 'failure';
      m.nodeProvisioningDuration.observe({ ...group, result }, seconds);
      m.nodeProvisioningFailures.inc({ ...group, reason });
    },
  };
}
