// VPSieNode status follows each step; every phase change is counted.
import { Context } from '@temporalio/activity';
import {
  patchVpsieNodeSpec,
  patchVpsieNodeStatus,
  readVpsieNode,
} from '../../kube/custom-resources';
import type { ProvisioningDeps } from './deps';
import type { StatusUpdate, VpsieNodeRef } from './types';

// Which timestamp each phase stamps (the first time it is entered).
const PHASE_TIMESTAMP: Partial<Record<StatusUpdate['phase'], string>> = {
  Provisioning: 'createdAt',
  Provisioned: 'provisionedAt',
  Joining: 'joinedAt',
  Ready: 'readyAt',
  Failed: 'failedAt',
};

export function updateVpsieNodeStatusActivity(deps: ProvisioningDeps) {
  return async function updateVpsieNodeStatus(
    ref: VpsieNodeRef,
    update: StatusUpdate,
  ): Promise<void> {
    const current = await readVpsieNode(deps.kube.custom, ref.namespace, ref.name);
    const previous = current.status?.phase;
    const stamp = PHASE_TIMESTAMP[update.phase];
    const { vm, ...statusFields } = update;
    if (vm) await patchVpsieNodeSpec(deps.kube.custom, ref.namespace, ref.name, vm);
    const status: Record<string, unknown> = { ...statusFields };
    if (stamp && !(current.status as Record<string, unknown> | undefined)?.[stamp]) {
      status[stamp] = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    if (update.phase !== 'Failed') status.lastError = update.lastError ?? null;
    await patchVpsieNodeStatus(deps.kube.custom, ref.namespace, ref.name, status);
    if (previous !== update.phase) {
      deps.metrics.recordVpsieNodePhaseTransition({
        nodeGroup: current.spec.nodeGroupName,
        namespace: ref.namespace,
        from: previous ?? 'Pending',
        to: update.phase,
      });
    }
    Context.current().log.info('VPSieNode phase', {
      vpsieNode: ref.name,
      from: previous,
      to: update.phase,
    });
  };
}
