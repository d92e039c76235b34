// What a group's candidate selection means for this pass: which nodes get a workflow, and for
// the nodes that could have gone but did not, the reason to count and log. Pure.
//
// Only declines of otherwise eligible nodes are counted (limits, safety, a disabled policy).
// Nodes that are simply busy, not yet unneeded long enough, unmeasured or already being removed
// are the normal state of a cluster; counting them every pass would drown the real blockers.
import type {
  ChosenCandidate,
  CandidateSelection,
  NotChosenReason,
} from '../disruption/candidates';
import type { SafetyFailure } from '../disruption/safety/result';
import type { ScaleDownBlockedReason, ScalingDecisionReason } from '../metrics/label-values';

export interface Decline {
  node: string;
  /** scale_down_blocked_total{reason} */
  blockedReason: ScaleDownBlockedReason;
  /** scaling_decisions_total{decision="no_change", reason}, when one fits. */
  decisionReason?: ScalingDecisionReason;
  message: string;
  /** Every failing safety check, for safety_check_failures_total. */
  safetyFailures: readonly SafetyFailure[];
}

export interface GroupOutcome {
  /** Nodes to start a scale-down workflow for, in removal order. */
  start: ChosenCandidate[];
  declined: Decline[];
}

const LIMIT_REASONS: Partial<
  Record<NotChosenReason, { blocked: ScaleDownBlockedReason; decision: ScalingDecisionReason }>
> = {
  min_nodes: { blocked: 'min_nodes', decision: 'at_min_nodes' },
  concurrency_limit: { blocked: 'operation_in_progress', decision: 'operation_in_progress' },
};

const SAFETY_DECISIONS: Partial<Record<string, ScalingDecisionReason>> = {
  paused: 'paused',
  cooldown: 'cooldown',
};

/** @param enabled the group's scaleDownPolicy.enabled: when false, nothing starts. */
export function groupOutcome(selection: CandidateSelection, enabled: boolean): GroupOutcome {
  const declined: Decline[] = [];
  for (const notChosen of selection.notChosen) {
    const limit = LIMIT_REASONS[notChosen.reason];
    if (limit) {
      declined.push({
        node: notChosen.name,
        blockedReason: limit.blocked,
        decisionReason: limit.decision,
        message: notChosen.message,
        safetyFailures: [],
      });
    } else if (notChosen.reason === 'unsafe') {
      const failures = notChosen.safetyFailures ?? [];
      const code = failures[0]?.code;
      if (code === undefined) continue;
      declined.push({
        node: notChosen.name,
        blockedReason: code,
        decisionReason: SAFETY_DECISIONS[code],
        message: notChosen.message,
        safetyFailures: failures,
      });
    }
  }
  if (enabled) return { start: selection.chosen, declined };
  // A disabled policy is the first thing that stops every eligible node, whatever else would.
  const eligible = [...selection.chosen.map((c) => c.name), ...declined.map((d) => d.node)];
  return {
    start: [],
    declined: eligible.map((node) => ({
      node,
      blockedReason: 'policy_disabled',
      decisionReason: 'policy_disabled',
      message: 'eligible, but the NodeGroup has scaleDownPolicy.enabled false',
      safetyFailures: [],
    })),
  };
}
