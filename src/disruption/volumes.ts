// A pod's volumes as scale-down sees them: which keep data on the node itself (lost with the
// VM) and which PersistentVolumes pin the pod to particular nodes.
import type {
  V1NodeSelectorTerm,
  V1PersistentVolume,
  V1Pod,
  V1Volume,
} from '@kubernetes/client-node';
import { namespaceOf } from './pods';

export type PvsByClaim = Readonly<Record<string, V1PersistentVolume>>;

/** The claim behind a volume: a PVC reference, or the claim a generic ephemeral volume creates. */
function claimNameOf(pod: V1Pod, volume: V1Volume): string | undefined {
  if (volume.persistentVolumeClaim) return volume.persistentVolumeClaim.claimName;
  // Kubernetes names the claim of a generic ephemeral volume <pod name>-<volume name>.
  if (volume.ephemeral) return `${pod.metadata?.name ?? ''}-${volume.name}`;
  return undefined;
}

function boundVolume(
  pod: V1Pod,
  volume: V1Volume,
  pvs: PvsByClaim,
): V1PersistentVolume | undefined {
  const claim = claimNameOf(pod, volume);
  return claim === undefined ? undefined : pvs[`${namespaceOf(pod)}/${claim}`];
}

/**
 * Storage that lives on the node's own disk: hostPath, an emptyDir not backed by memory
 * (Cluster Autoscaler's definition), or a claim bound to a `local` or hostPath PersistentVolume.
 * A claim whose volume is unknown is not assumed local.
 */
export function isNodeLocalVolume(pod: V1Pod, volume: V1Volume, pvs: PvsByClaim): boolean {
  if (volume.hostPath) return true;
  if (volume.emptyDir) return volume.emptyDir.medium !== 'Memory';
  const pv = boundVolume(pod, volume, pvs);
  return pv?.spec?.local !== undefined || pv?.spec?.hostPath !== undefined;
}

/**
 * The node-selector-term lists a pod's bound volumes require of its node (each list is ORed
 * within, all lists ANDed), so a pod whose local PV lives on the removed node fits nowhere else.
 */
export function volumeNodeRequirements(pod: V1Pod, pvs: PvsByClaim): V1NodeSelectorTerm[][] {
  const requirements: V1NodeSelectorTerm[][] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    const terms = boundVolume(pod, volume, pvs)?.spec?.nodeAffinity?.required?.nodeSelectorTerms;
    if (terms !== undefined) requirements.push(terms);
  }
  return requirements;
}
