// Which PodDisruptionBudgets cover a pod: same namespace and the selector matches its labels
// (policy/v1: an empty selector covers every pod of the namespace, a missing one none).
import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { labelsOf } from './metadata';
import { namespaceOf } from './pods';
import { labelSelectorMatches } from './selectors';

export function pdbKey(pdb: V1PodDisruptionBudget): string {
  return `${pdb.metadata?.namespace ?? 'default'}/${pdb.metadata?.name ?? ''}`;
}

export function pdbsCoveringPod(
  pdbs: readonly V1PodDisruptionBudget[],
  pod: V1Pod,
): V1PodDisruptionBudget[] {
  const namespace = namespaceOf(pod);
  const labels = labelsOf(pod);
  return pdbs.filter(
    (pdb) =>
      (pdb.metadata?.namespace ?? 'default') === namespace &&
      labelSelectorMatches(pdb.spec?.selector, labels),
  );
}

/**
 * Evictions the budget allows now. A budget the disruption controller has not evaluated yet has
 * no status; the Eviction API refuses evictions under it, so it allows none.
 */
export function disruptionsAllowed(pdb: V1PodDisruptionBudget): number {
  return pdb.status?.disruptionsAllowed ?? 0;
}
