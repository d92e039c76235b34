// The pods Cluster Autoscaler's soft blockers (system_pods, no_controller, local_storage) look
// at: those the drain would evict, minus those whose owner marked them safe-to-evict "true".
import type { V1Pod } from '@kubernetes/client-node';
import { isMarkedSafeToEvict, podsDrainWouldEvict } from '../pods';

export function podsSubjectToSoftBlockers(podsOnNode: readonly V1Pod[]): V1Pod[] {
  return podsDrainWouldEvict(podsOnNode).filter((pod) => !isMarkedSafeToEvict(pod));
}
