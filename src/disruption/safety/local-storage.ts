// `local_storage`: pods keeping data on the node's own disk (hostPath, disk-backed emptyDir, a
// local PersistentVolume), lost with the VM. The pod's owner can accept the loss per volume with
// cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes (comma-separated volume names),
// or for the whole pod with safe-to-evict "true". Whether a pod pinned to a local PV could
// actually run elsewhere is cannot_reschedule's question, not this one.
import type { V1Pod } from '@kubernetes/client-node';
import { annotationOf } from '../metadata';
import { podKey } from '../pods';
import { type PvsByClaim, isNodeLocalVolume } from '../volumes';
import { SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION } from '../well-known';
import type { SafetyInput } from './input';
import { type CheckResult, fail, listNames, PASS } from './result';
import { podsSubjectToSoftBlockers } from './soft-blockers';

function volumesAllowedToGo(pod: V1Pod): Set<string> {
  const listed = annotationOf(pod, SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION) ?? '';
  return new Set(
    listed
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
}

function blockingLocalVolumes(pod: V1Pod, pvs: PvsByClaim): string[] {
  const allowed = volumesAllowedToGo(pod);
  return (pod.spec?.volumes ?? [])
    .filter((volume) => isNodeLocalVolume(pod, volume, pvs) && !allowed.has(volume.name))
    .map((volume) => volume.name);
}

export function checkLocalStorage(
  input: Pick<SafetyInput, 'podsOnNode' | 'pvsByClaim'>,
): CheckResult {
  const blocked = podsSubjectToSoftBlockers(input.podsOnNode).flatMap((pod) => {
    const volumes = blockingLocalVolumes(pod, input.pvsByClaim);
    return volumes.length === 0 ? [] : [{ pod: podKey(pod), volumes }];
  });
  if (blocked.length === 0) return PASS;
  return fail(
    'local_storage',
    `pod(s) with local storage: ${listNames(blocked.map((b) => `${b.pod} (${b.volumes.join(', ')})`))}`,
    blocked.map((b) => b.pod),
  );
}
