// Taints that keep a pod off a node. Only NoSchedule and NoExecute matter for placement;
// PreferNoSchedule is a preference the scheduler may ignore.
import type { V1Node, V1Taint, V1Toleration } from '@kubernetes/client-node';

const REPELLING_EFFECTS = new Set(['NoSchedule', 'NoExecute']);

export function tolerates(toleration: V1Toleration, taint: V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  const operator = toleration.operator ?? 'Equal';
  // An empty key with Exists tolerates every taint; with Equal it is invalid and tolerates none.
  if (!toleration.key) return operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  if (operator === 'Exists') return true;
  return operator === 'Equal' && (toleration.value ?? '') === (taint.value ?? '');
}

/** The first NoSchedule/NoExecute taint of `node` that none of `tolerations` tolerates. */
export function untoleratedTaint(
  node: V1Node,
  tolerations: readonly V1Toleration[],
): V1Taint | undefined {
  return (node.spec?.taints ?? []).find(
    (taint) => REPELLING_EFFECTS.has(taint.effect) && !tolerations.some((t) => tolerates(t, taint)),
  );
}

export function describeTaint(taint: V1Taint): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}
