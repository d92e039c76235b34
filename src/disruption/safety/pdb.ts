// `pdb`: a PodDisruptionBudget would refuse the drain. Like Cluster Autoscaler's PDB tracker,
// the node is blocked when a budget allows fewer disruptions than the number of its pods on this
// node (so disruptionsAllowed 0 blocks any covered pod, and 1 blocks two covered pods: the drain
// would stall on the second eviction). Like Karpenter, a pod covered by more than one budget
// blocks too, because the Eviction API refuses to evict such a pod at all.
// safe-to-evict "true" does not lift this check: the Eviction API enforces budgets regardless.
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { disruptionsAllowed, pdbKey, pdbsCoveringPod } from '../pdbs';
import { podKey, podsDrainWouldEvict } from '../pods';
import type { SafetyInput } from './input';
import { type CheckResult, fail, listNames, PASS } from './result';

export function checkPdb(input: Pick<SafetyInput, 'podsOnNode' | 'pdbs'>): CheckResult {
  const covered = new Map<V1PodDisruptionBudget, string[]>();
  const reasons: string[] = [];
  const blockingPods = new Set<string>();

  for (const pod of podsDrainWouldEvict(input.podsOnNode)) {
    const budgets = pdbsCoveringPod(input.pdbs, pod);
    if (budgets.length > 1) {
      reasons.push(
        `${podKey(pod)} is covered by ${budgets.length} PDBs (${budgets.map(pdbKey).join(', ')}), ` +
          'which the Eviction API refuses',
      );
      blockingPods.add(podKey(pod));
    }
    for (const pdb of budgets) covered.set(pdb, [...(covered.get(pdb) ?? []), podKey(pod)]);
  }

  for (const [pdb, pods] of covered) {
    const allowed = disruptionsAllowed(pdb);
    if (pods.length <= allowed) continue;
    reasons.push(
      `PDB ${pdbKey(pdb)} allows ${allowed} disruption(s) but covers ${pods.length} pod(s) ` +
        `here: ${listNames(pods)}`,
    );
    pods.forEach((pod) => blockingPods.add(pod));
  }

  if (reasons.length === 0) return PASS;
  return fail('pdb', reasons.join('; '), [...blockingPods]);
}
