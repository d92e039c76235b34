// What kube-scheduler said a pending pod lacked, from its PodScheduled=False message ("0/5
// nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {...}."), as the
// closed set of unschedulable_pods_total labels. Pure; the phrases are the scheduler plugins'.
import type { UnschedulableConstraint } from '../metrics/label-values';

const PHRASES: ReadonlyArray<[RegExp, UnschedulableConstraint]> = [
  [/Insufficient cpu/i, 'cpu'],
  [/Insufficient memory/i, 'memory'],
  [/Insufficient ephemeral-storage/i, 'ephemeral_storage'],
  [/Too many pods/i, 'pods'],
  [/didn't match Pod's node affinity\/selector/i, 'node_affinity'],
  [/untolerated taint/i, 'taint'],
  [/didn't match pod anti-affinity rules|existing pods anti-affinity/i, 'pod_anti_affinity'],
  [/didn't match pod affinity rules/i, 'pod_affinity'],
  [/topology spread constraints/i, 'topology_spread'],
  [/volume|persistentvolumeclaim/i, 'volume'],
];

/**
 * Every constraint the message names, each once. A node-affinity failure of a pod that only
 * has a plain nodeSelector is reported as `node_selector` (the scheduler words both alike).
 */
export function constraintsInMessage(
  message: string | undefined,
  hasOnlyNodeSelector: boolean,
): UnschedulableConstraint[] {
  const found = new Set<UnschedulableConstraint>();
  for (const [phrase, constraint] of PHRASES) {
    if (!phrase.test(message ?? '')) continue;
    found.add(constraint === 'node_affinity' && hasOnlyNodeSelector ? 'node_selector' : constraint);
  }
  if (found.size === 0) found.add('other');
  return [...found];
}
