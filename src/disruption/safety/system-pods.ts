// `system_pods`: kube-system pods without any PodDisruptionBudget (Cluster Autoscaler's
// --skip-nodes-with-system-pods, on by default). Cluster add-ons often run a single replica
// (DNS autoscaler, metrics-server); a PDB is how their owner says a restart elsewhere is fine.
import { pdbsCoveringPod } from '../pdbs';
import { namespaceOf, podKey } from '../pods';
import { SYSTEM_NAMESPACE } from '../well-known';
import type { SafetyInput } from './input';
import { type CheckResult, fail, listNames, PASS } from './result';
import { podsSubjectToSoftBlockers } from './soft-blockers';

export function checkSystemPods(input: Pick<SafetyInput, 'podsOnNode' | 'pdbs'>): CheckResult {
  const unprotected = podsSubjectToSoftBlockers(input.podsOnNode)
    .filter((pod) => namespaceOf(pod) === SYSTEM_NAMESPACE)
    .filter((pod) => pdbsCoveringPod(input.pdbs, pod).length === 0)
    .map(podKey);
  if (unprotected.length === 0) return PASS;
  return fail(
    'system_pods',
    `${SYSTEM_NAMESPACE} pod(s) without a PodDisruptionBudget: ${listNames(unprotected)}`,
    unprotected,
  );
}
