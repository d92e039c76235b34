// Re-checking safety right before a removal: gathers the cluster as it is now (nodes, pods,
// PDBs, PVs, the group's spec and status, the pause in force) and runs the pure checks. Every
// failing check is counted; the first is the blocking reason.
import type * as k8s from '@kubernetes/client-node';
import * as kube from '@kubernetes/client-node';
import { LABELS, TAINTS } from '../../apis/v1alpha1';
import { readNodeGroup } from '../../kube/custom-resources';
import { runSafetyChecks } from '../../disruption/safety';
import type { SafetyInput } from '../../disruption/safety/input';
import { effectivePause } from './pause';
import type { ScaleDownDeps } from './deps';
import type { SafetyVerdict, ScaleDownInput } from './types';

const time = (iso?: string) => (iso ? Date.parse(iso) : undefined);

async function pvsByClaim(core: k8s.CoreV1Api): Promise<Record<string, k8s.V1PersistentVolume>> {
  const pvs = await core.listPersistentVolume();
  const byClaim: Record<string, k8s.V1PersistentVolume> = {};
  for (const pv of pvs.items) {
    const claim = pv.spec?.claimRef;
    if (claim?.namespace && claim.name) byClaim[`${claim.namespace}/${claim.name}`] = pv;
  }
  return byClaim;
}

export function checkScaleDownSafetyActivity(deps: ScaleDownDeps) {
  const policy = deps.kube.kubeConfig.makeApiClient(kube.PolicyV1Api);
  return async function checkScaleDownSafety(input: ScaleDownInput): Promise<SafetyVerdict> {
    const { core, custom } = deps.kube;
    const group = await readNodeGroup(custom, input.namespace, input.nodeGroup);
    const [nodes, pods, pdbs, pvs, pause] = await Promise.all([
      core.listNode(),
      core.listPodForAllNamespaces(),
      policy.listPodDisruptionBudgetForAllNamespaces(),
      pvsByClaim(core),
      effectivePause(deps, input),
    ]);
    const node = nodes.items.find((n) => n.metadata?.name === input.nodeName);
    if (!node) {
      return {
        ok: false,
        reason: 'min_nodes',
        message: `node ${input.nodeName} no longer exists`,
        failedChecks: [],
      };
    }
    const groupNodes = nodes.items.filter(
      (n) => n.metadata?.labels?.[LABELS.nodeGroup] === input.nodeGroup,
    );
    const deleting = groupNodes.filter(
      (n) =>
        n.metadata?.deletionTimestamp || n.spec?.taints?.some((t) => t.key === TAINTS.toBeDeleted),
    );
    const spec = group.spec;
    const status = group.status;
    const failureCondition = status?.conditions?.find(
      (c) => c.type === 'ScaleDownFailed' && c.status === 'True',
    );
    const safetyInput: SafetyInput = {
      node,
      podsOnNode: pods.items.filter((p) => p.spec?.nodeName === input.nodeName),
      allNodes: nodes.items,
      allPods: pods.items.filter((p) => p.spec?.nodeName && p.spec.nodeName !== input.nodeName),
      pdbs: pdbs.items,
      pvsByClaim: pvs,
      group: {
        minNodes: spec.minNodes,
        currentNodes: groupNodes.map((n) => n.metadata!.name!),
        deletingNodes: deleting.map((n) => n.metadata!.name!),
        cooldowns: {
          lastScaleUpMs: time(status?.lastScaleUpTime),
          lastScaleDownMs: time(status?.lastScaleDownTime),
          lastScaleDownFailureMs: time(failureCondition?.lastTransitionTime),
          // The group's own cooldown wins over the cluster default.
          delayAfterAddMs:
            spec.scaleDownPolicy.cooldownSeconds !== undefined
              ? spec.scaleDownPolicy.cooldownSeconds * 1000
              : deps.delays.afterAddMs,
          delayAfterFailureMs: deps.delays.afterFailureMs,
        },
        maintenanceWindows: spec.scaleDownPolicy.maintenanceWindows,
        pause: { paused: pause.paused, reason: pause.reason, expiresAtMs: time(pause.expiresAt) },
      },
      nowMs: Date.now(),
    };
    const result = runSafetyChecks(safetyInput);
    if (result.ok) return { ok: true };
    const ref = { nodeGroup: input.nodeGroup, namespace: input.namespace };
    for (const failure of result.failures)
      deps.metrics.recordSafetyCheckFailure({ ...ref, checkType: failure.code });
    return {
      ok: false,
      reason: result.blocking.code,
      message: result.blocking.message,
      failedChecks: result.failures.map((f) => f.code),
    };
  };
}
