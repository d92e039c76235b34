// Would the scheduler put this pod on this node, ignoring pod (anti-)affinity? The predicates
// are the scheduler's NodeAffinity, TaintToleration, VolumeBinding (node affinity of bound PVs)
// and NodeResourcesFit, in that order; the first that fails names the reason, in the words the
// scheduler uses in its "0/5 nodes are available" message.
import type { V1Node, V1NodeSelectorTerm, V1Pod } from '@kubernetes/client-node';
import { type ResourceAmounts, PODS, podRequests } from '../resources';
import { nodeSelectorMatches, nodeSelectorTermsMatch } from '../selectors';
import { describeTaint, untoleratedTaint } from '../taints';
import { type PvsByClaim, volumeNodeRequirements } from '../volumes';

/** A destination node as the simulation tracks it: what it offers and what is taken so far. */
export interface NodeCapacity {
  node: V1Node;
  allocatable: Readonly<ResourceAmounts>;
  /** Requests of the pods on it, including `pods` (their count). */
  requested: ResourceAmounts;
}

function nodeAffinityRejection(pod: V1Pod, node: V1Node): string | undefined {
  if (!nodeSelectorMatches(pod.spec?.nodeSelector, node)) {
    return "didn't match Pod's node affinity/selector";
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !nodeSelectorTermsMatch(required.nodeSelectorTerms ?? [], node)) {
    return "didn't match Pod's node affinity/selector";
  }
  return undefined;
}

function resourceRejection(requests: Readonly<ResourceAmounts>, target: NodeCapacity) {
  const { allocatable, requested } = target;
  if ((requested[PODS] ?? 0) + 1 > (allocatable[PODS] ?? 0)) return 'Too many pods';
  for (const [resource, amount] of Object.entries(requests)) {
    if (resource === PODS || amount <= 0) continue;
    if ((requested[resource] ?? 0) + amount > (allocatable[resource] ?? 0)) {
      return `Insufficient ${resource}`;
    }
  }
  return undefined;
}

/** What a pod needs of any node; computed once per pod, then checked against each node. */
export interface PodNeeds {
  requests: Readonly<ResourceAmounts>;
  /** Node-selector terms required by its bound PersistentVolumes (see volumeNodeRequirements). */
  volumeTerms: readonly (readonly V1NodeSelectorTerm[])[];
}

export function podNeeds(pod: V1Pod, pvs: PvsByClaim): PodNeeds {
  return { requests: podRequests(pod), volumeTerms: volumeNodeRequirements(pod, pvs) };
}

/** Why `pod` cannot go to `target`, or undefined when it can. */
export function nodeFitRejection(
  pod: V1Pod,
  needs: PodNeeds,
  target: NodeCapacity,
): string | undefined {
  const affinity = nodeAffinityRejection(pod, target.node);
  if (affinity) return affinity;

  const taint = untoleratedTaint(target.node, pod.spec?.tolerations ?? []);
  if (taint) return `had untolerated taint {${describeTaint(taint)}}`;

  if (!needs.volumeTerms.every((terms) => nodeSelectorTermsMatch(terms, target.node))) {
    return 'had volume node affinity conflict';
  }
  return resourceRejection(needs.requests, target);
}
