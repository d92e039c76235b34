// Recorders for scale-down: why it was blocked, which safety checks failed, how drains went,
// and the outcome of the operation. Every argument is validated before anything is recorded.
import type { MetricInstruments } from './definitions';
import {
  DRAIN_STATUSES,
  SAFETY_CHECK_TYPES,
  SCALE_DOWN_BLOCKED_REASONS,
  SCALE_DOWN_ERROR_TYPES,
  type DrainStatus,
  type SafetyCheckType,
  type ScaleDownBlockedReason,
  type ScaleDownErrorType,
} from './label-values';
import { count, durationSeconds, MetricInputError, oneOf } from './metric-input-error';
import { nodeGroupLabels, type NodeGroupRef } from './node-group-ref';

export interface NodeDrainOutcome extends NodeGroupRef {
  status: DrainStatus;
  durationSeconds: number;
  /** Pods evicted before the drain ended, whatever its status. */
  podsEvicted: number;
}

export function scaleDownRecorders(m: MetricInstruments) {
  return {
    /** A scale-down did not happen; `reason` is the first thing that stopped it. */
    recordScaleDownBlocked(input: NodeGroupRef & { reason: ScaleDownBlockedReason }): void {
      const reason = oneOf('reason', SCALE_DOWN_BLOCKED_REASONS, input.reason);
      m.scaleDownBlocked.inc({ ...nodeGroupLabels(input), reason });
    },

    /** One safety check failed for one node (several may fail for the same node). */
    recordSafetyCheckFailure(input: NodeGroupRef & { checkType: SafetyCheckType }): void {
      const checkType = oneOf('checkType', SAFETY_CHECK_TYPES, input.checkType);
      m.safetyCheckFailures.inc({ ...nodeGroupLabels(input), check_type: checkType });
    },

    /** One drain attempt ended: its duration and the pods it evicted, by status. */
    recordNodeDrain(input: NodeDrainOutcome): void {
      const status = oneOf('status', DRAIN_STATUSES, input.status);
      const seconds = durationSeconds('durationSeconds', input.durationSeconds);
      const pods = count('podsEvicted', input.podsEvicted);
      const group = nodeGroupLabels(input);
      m.nodeDrainDuration.observe({ ...group, status }, seconds);
      m.nodeDrainPodsEvicted.observe(group, pods);
    },

    /** A scale-down operation finished and removed `nodesRemoved` (>= 1) nodes. */
    recordScaleDown(input: NodeGroupRef & { nodesRemoved: number }): void {
      const nodes = count('nodesRemoved', input.nodesRemoved, 1);
      const group = nodeGroupLabels(input);
      m.scaleDown.inc(group);
      m.scaleDownNodesRemoved.inc(group, nodes);
    },

    recordScaleDownError(input: NodeGroupRef & { errorType: ScaleDownErrorType }): void {
      const errorType = oneOf('errorType', SCALE_DOWN_ERROR_TYPES, input.errorType);
      m.scaleDownErrors.inc({ ...nodeGroupLabels(input), error_type: errorType });
    },

    /** One node was removed: cordon to VM deleted and Node object gone. */
    recordNodeTermination(input: NodeGroupRef & { durationSeconds: number }): void {
      const seconds = durationSeconds('durationSeconds', input.durationSeconds);
      m.nodeTerminationDuration.observe(nodeGroupLabels(input), seconds);
    },

    setScaleDownPaused(input: NodeGroupRef & { paused: boolean }): void {
      if (typeof input.paused !== 'boolean') {
        throw new MetricInputError('paused', input.paused, 'true, false');
      }
      m.scaleDownPaused.set(nodeGroupLabels(input), input.paused ? 1 : 0);
    },
  };
}
