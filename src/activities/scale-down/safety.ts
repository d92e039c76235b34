// Re-checking safety right before a removal: reads the cluster as it is now with the same
// snapshot reader, group policy and input builder as the controller's pre-check, takes the pause
// from the control workflows (authoritative; the NodeGroup status only mirrors it), and runs the
// pure checks. Every failing check is counted; the first is the blocking reason.
import { SnapshotReader } from '../../kube/cluster-snapshot';
import { runSafetyChecks } from '../../disruption/safety';
import { effectiveScaleDownPolicy } from '../../disruption/scale-down-policy';
import { isBeingRemoved, safetyInputFor } from '../../disruption/underutilized';
import { effectivePause } from './pause';
import type { ScaleDownDeps } from './deps';
import { checksSkippedBy, type SafetyVerdict, type ScaleDownInput } from './types';

const time = (iso?: string) => (iso ? Date.parse(iso) : undefined);

export function checkScaleDownSafetyActivity(deps: ScaleDownDeps) {
  return async function checkScaleDownSafety(input: ScaleDownInput): Promise<SafetyVerdict> {
    const reader = new SnapshotReader(deps.kube.kubeConfig, input.namespace);
    const [snapshot, pause] = await Promise.all([reader.read(), effectivePause(deps, input)]);
    const stored = snapshot.groups.find((g) => g.group.metadata.name === input.nodeGroup);
    if (!stored) throw new Error(`NodeGroup ${input.namespace}/${input.nodeGroup} not found`);
    const members = snapshot.members.filter((m) => m.membership.nodeGroup === input.nodeGroup);
    const node = snapshot.cluster.allNodes.find((n) => n.metadata?.name === input.nodeName);
    if (!node) {
      return {
        ok: false,
        reason: 'min_nodes',
        message: `node ${input.nodeName} no longer exists`,
        failedChecks: [],
      };
    }
    const policy = effectiveScaleDownPolicy(stored.group, stored.storedPolicy, deps.policyDefaults);
    policy.pause = {
      paused: pause.paused,
      reason: pause.reason,
      expiresAtMs: time(pause.expiresAt),
    };
    policy.skippedChecks = [...policy.skippedChecks, ...checksSkippedBy(input.trigger)];
    const result = runSafetyChecks(
      safetyInputFor(node, {
        cluster: { ...snapshot.cluster, clusterHealth: deps.clusterHealth },
        policy,
        currentNodes: members.map((m) => m.name),
        // This node is not "already leaving": its own removal is what is being checked.
        deletingNodes: members
          .filter((m) => m.name !== input.nodeName && isBeingRemoved(m.node))
          .map((m) => m.name),
        nowMs: Date.now(),
      }),
    );
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
