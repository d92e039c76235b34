// Which PodDisruptionBudgets cover the pods a drain could not evict, so the timeout names them
// (`namespace/name`) and an operator knows which budget to look at.
import * as k8s from '@kubernetes/client-node';
import { pdbKey, pdbsCoveringPod } from '../../disruption/pdbs';
import type { Logger } from '../../logging/logger';
import type { PlannedEviction } from './drain-plan';

/** PDB keys per pod key. A failed lookup yields an empty map: it must not hide the timeout. */
export async function pdbsBlocking(
  policy: k8s.PolicyV1Api,
  pods: readonly PlannedEviction[],
  logger: Logger,
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  const namespaces = [...new Set(pods.map((p) => p.namespace))];
  try {
    for (const namespace of namespaces) {
      const pdbs = (await policy.listNamespacedPodDisruptionBudget({ namespace })).items;
      for (const pod of pods.filter((p) => p.namespace === namespace)) {
        const asPod: k8s.V1Pod = { metadata: { namespace, name: pod.name, labels: pod.labels } };
        result.set(pod.key, pdbsCoveringPod(pdbs, asPod).map(pdbKey));
      }
    }
  } catch (err) {
    logger.warn('could not list the PodDisruptionBudgets blocking a drain', { error: err });
  }
  return result;
}
