// Pure decision: should the controller (re)start provisioning for this VPSieNode? Starting is
// idempotent (deterministic workflow id), so "start" also covers nodes whose workflow is already
// running after a controller restart.
import type { VPSieNodePhase } from '../apis/v1alpha1';

export interface VpsieNodeView {
  metadata: { deletionTimestamp?: unknown };
  status?: { phase?: VPSieNodePhase };
}

export type ProvisioningDecision = { action: 'start' } | { action: 'none'; why: string };

// Phases in which provisioning has not finished: its workflow must exist and run.
const IN_PROGRESS: ReadonlySet<VPSieNodePhase | undefined> = new Set([
  undefined,
  'Pending',
  'Provisioning',
  'Provisioned',
  'Joining',
]);

export function provisioningDecision(node: VpsieNodeView): ProvisioningDecision {
  if (node.metadata.deletionTimestamp) return { action: 'none', why: 'being deleted' };
  const phase = node.status?.phase;
  if (IN_PROGRESS.has(phase)) return { action: 'start' };
  return { action: 'none', why: `phase ${phase} is past provisioning` };
}
