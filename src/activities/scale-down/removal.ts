// The destructive end of a scale-down, each step idempotent so a retry or a resumed workflow
// repeats it harmlessly: VPSieNode phase, the VM at VPSie, the Node and VPSieNode objects.
import { FINALIZERS } from '../../apis/v1alpha1';
import { isNotFound, mergePatch } from '../../kube/clients';
import { patchVpsieNodeStatus, readNodeGroup, readVpsieNode } from '../../kube/custom-resources';
import { VpsieNotFoundError } from '../../vpsie';
import { fromVpsieError } from '../failures';
import type { ScaleDownDeps } from './deps';
import type { DrainLimits, ScaleDownTarget } from './types';
import { GROUP, VERSION } from '../../apis/v1alpha1';

const ignoreNotFound = (err: unknown) => {
  if (!isNotFound(err)) throw err;
  return undefined;
};

/** Long enough for a PDB's pods to become healthy again; the workflow doubles it per failure. */
const DRAIN_RETRY_DELAY_SECONDS = 60;

export function drainLimitsActivity(deps: ScaleDownDeps) {
  return async function drainLimits(target: ScaleDownTarget): Promise<DrainLimits> {
    const group = await readNodeGroup(deps.kube.custom, target.namespace, target.nodeGroup);
    const policy = group.spec.scaleDownPolicy;
    return {
      drainTimeoutSeconds: policy.drainTimeoutSeconds,
      // The cluster's cap is a ceiling; a group may only lower it.
      maxTerminationGracePeriodSeconds: Math.min(
        policy.maxTerminationGracePeriodSeconds,
        deps.policyDefaults.maxGracefulTerminationSeconds,
      ),
      retryDelaySeconds: DRAIN_RETRY_DELAY_SECONDS,
    };
  };
}

export function setVpsieNodePhaseActivity(deps: ScaleDownDeps) {
  return async function setVpsieNodePhase(
    target: ScaleDownTarget,
    phase: 'Terminating' | 'Deleting',
  ): Promise<void> {
    if (!target.vpsieNode) return;
    const node = await readVpsieNode(deps.kube.custom, target.namespace, target.vpsieNode).catch(
      ignoreNotFound,
    );
    if (!node || node.status?.phase === phase) return;
    const stamp =
      phase === 'Terminating'
        ? { terminatingAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }
        : {};
    await patchVpsieNodeStatus(deps.kube.custom, target.namespace, target.vpsieNode, {
      phase,
      ...stamp,
    });
    deps.metrics.recordVpsieNodePhaseTransition({
      nodeGroup: target.nodeGroup,
      namespace: target.namespace,
      from: node.status?.phase ?? 'Pending',
      to: phase,
    });
  };
}

export function deleteVmActivity(deps: ScaleDownDeps) {
  return async function deleteVm(target: ScaleDownTarget): Promise<{ deleted: boolean }> {
    const vpsieNode = target.vpsieNode
      ? await readVpsieNode(deps.kube.custom, target.namespace, target.vpsieNode).catch(
          ignoreNotFound,
        )
      : undefined;
    try {
      const vmId =
        vpsieNode?.spec.vpsID ?? (await deps.vpsie.findVmByHostname(target.nodeName))?.identifier;
      if (!vmId) return { deleted: false };
      await deps.vpsie.deleteVm(vmId, 'scale-down');
      if (vpsieNode) {
        await patchVpsieNodeStatus(deps.kube.custom, target.namespace, target.vpsieNode!, {
          deletedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        });
      }
      return { deleted: true };
    } catch (err) {
      if (err instanceof VpsieNotFoundError) return { deleted: false };
      throw fromVpsieError(err);
    }
  };
}

/** Drop `finalizer` from an object's finalizers, with a merge patch of the whole list. */
function withoutFinalizer(
  finalizers: string[] | undefined,
  finalizer: string,
): string[] | undefined {
  if (!finalizers?.includes(finalizer)) return undefined;
  return finalizers.filter((f) => f !== finalizer);
}

// Delete first, then release our finalizer: once the object carries a deletionTimestamp no one
// (e.g. the removal controller re-adding a finalizer it finds missing) can add one back, so the
// release is the last word and the object goes.
export function deleteNodeObjectsActivity(deps: ScaleDownDeps) {
  return async function deleteNodeObjects(target: ScaleDownTarget): Promise<void> {
    const { core, custom } = deps.kube;
    await core.deleteNode({ name: target.nodeName }).catch(ignoreNotFound);
    const node = await core.readNode({ name: target.nodeName }).catch(ignoreNotFound);
    const nodeFinalizers = withoutFinalizer(node?.metadata?.finalizers, FINALIZERS.node);
    if (nodeFinalizers) {
      await core
        .patchNode(
          { name: target.nodeName, body: { metadata: { finalizers: nodeFinalizers } } },
          mergePatch,
        )
        .catch(ignoreNotFound);
    }
    if (!target.vpsieNode) return;
    const ref = {
      group: GROUP,
      version: VERSION,
      namespace: target.namespace,
      plural: 'vpsienodes',
      name: target.vpsieNode,
    };
    await custom.deleteNamespacedCustomObject(ref).catch(ignoreNotFound);
    const vpsieNode = await readVpsieNode(custom, target.namespace, target.vpsieNode).catch(
      ignoreNotFound,
    );
    const finalizers = withoutFinalizer(vpsieNode?.metadata.finalizers, FINALIZERS.vpsieNode);
    if (finalizers) {
      await custom
        .patchNamespacedCustomObject({ ...ref, body: { metadata: { finalizers } } }, mergePatch)
        .catch(ignoreNotFound);
    }
  };
}
