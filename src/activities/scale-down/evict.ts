// One eviction through the policy/v1 Eviction API, which checks PodDisruptionBudgets for us
// (a plain delete would not), and the listing of the pods bound to a node.
import type * as k8s from '@kubernetes/client-node';
import type { PlannedEviction } from './drain-plan';
import { classifyEvictionError, type EvictionOutcome } from './eviction-outcome';

export async function evictPod(
  core: k8s.CoreV1Api,
  eviction: PlannedEviction,
): Promise<EvictionOutcome> {
  const { name, namespace, uid, gracePeriodSeconds } = eviction;
  try {
    await core.createNamespacedPodEviction({
      name,
      namespace,
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace },
        deleteOptions: {
          gracePeriodSeconds,
          // Never evict a newer pod that took the name of the one we planned to evict.
          ...(uid ? { preconditions: { uid } } : {}),
        },
      },
    });
    return { kind: 'evicted' };
  } catch (err) {
    const outcome = classifyEvictionError(err);
    if (outcome) return outcome;
    throw err;
  }
}

export async function listPodsOnNode(core: k8s.CoreV1Api, nodeName: string): Promise<k8s.V1Pod[]> {
  const pods = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${nodeName}` });
  return pods.items;
}
