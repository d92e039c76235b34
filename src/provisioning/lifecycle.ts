// Pure decision: should the controller (re)start provisioning for this VPSieNode, or clean up a
// Failed one whose inspection time is over? Starting is idempotent (deterministic workflow id),
// so "start" also covers nodes whose workflow is already running after a controller restart.
import type { VPSieNodePhase } from '../apis/v1alpha1';

export interface VpsieNodeView {
  metadata: { deletionTimestamp?: unknown };
  status?: { phase?: VPSieNodePhase; failedAt?: string };
}

export type ProvisioningDecision =
  { action: 'start' } | { action: 'delete'; why: string } | { action: 'none'; why: string };

export interface DecisionContext {
  nowMs: number;
  /** config.controller.failedVpsieNodeTtl: how long a Failed VPSieNode is kept for inspection. */
  failedTtlMs: number;
}

// Phases in which provisioning has not finished: its workflow must exist and run.
const IN_PROGRESS: ReadonlySet<VPSieNodePhase | undefined> = new Set([
  undefined,
  'Pending',
  'Provisioning',
  'Provisioned',
  'Joining',
]);

export function provisioningDecision(
  node: VpsieNodeView,
  context: DecisionContext,
): ProvisioningDecision {
  if (node.metadata.deletionTimestamp) return { action: 'none', why: 'being deleted' };
  const phase = node.status?.phase;
  if (IN_PROGRESS.has(phase)) return { action: 'start' };
  if (phase === 'Failed') {
    // The failed provisioning already deleted its VM; what is left is the record of why.
    const failedAtMs = Date.parse(node.status?.failedAt ?? '');
    if (!Number.isNaN(failedAtMs) && failedAtMs + context.failedTtlMs <= context.nowMs) {
      return { action: 'delete', why: 'Failed longer than failedVpsieNodeTtl' };
    }
  }
  return { action: 'none', why: `phase ${phase} is past provisioning` };
}
