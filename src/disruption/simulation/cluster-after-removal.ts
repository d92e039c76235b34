// The cluster as it would be once the node is gone: which nodes stay, which of them can take
// pods, what already runs on them, and which pods the drain sends their way.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { isBeingDeleted, isCordoned, isNodeReady, nodeName } from '../nodes';
import { isTerminal, podKey, podsDrainWouldEvict } from '../pods';
import { CPU, MEMORY, podRequests } from '../resources';
import type { SafetyInput } from '../safety/input';

export type RemovalInput = Pick<
  SafetyInput,
  'node' | 'podsOnNode' | 'allNodes' | 'allPods' | 'otherNodesLeaving'
> & { group: Pick<SafetyInput['group'], 'deletingNodes'> };

export interface ClusterAfterRemoval {
  /** Nodes still there afterwards: not the candidate, not being deleted, not leaving with it. */
  staying: V1Node[];
  /** Staying nodes that accept new pods (Ready, not cordoned), by name for a stable order. */
  destinations: V1Node[];
  /** Unfinished pods bound to staying nodes, by node name. */
  podsByNode: Map<string, V1Pod[]>;
  /** The candidate's pods the drain would evict, largest first (see largestFirst). */
  podsToMove: V1Pod[];
}

export function leavingNodeNames(input: RemovalInput): Set<string> {
  const leaving = new Set([
    nodeName(input.node),
    ...input.group.deletingNodes,
    ...(input.otherNodesLeaving ?? []),
  ]);
  for (const node of input.allNodes) if (isBeingDeleted(node)) leaving.add(nodeName(node));
  return leaving;
}

/**
 * Karpenter's order (CPU, then memory, descending): big pods first, so first-fit does not fill
 * the gaps they need with small pods. Ties by name keep the simulation deterministic.
 */
function largestFirst(pods: readonly V1Pod[]): V1Pod[] {
  const sized = pods.map((pod) => ({ pod, key: podKey(pod), requests: podRequests(pod) }));
  sized.sort(
    (a, b) =>
      (b.requests[CPU] ?? 0) - (a.requests[CPU] ?? 0) ||
      (b.requests[MEMORY] ?? 0) - (a.requests[MEMORY] ?? 0) ||
      a.key.localeCompare(b.key),
  );
  return sized.map(({ pod }) => pod);
}

export function clusterAfterRemoval(input: RemovalInput): ClusterAfterRemoval {
  const leaving = leavingNodeNames(input);
  const staying = input.allNodes
    .filter((node) => !leaving.has(nodeName(node)))
    .sort((a, b) => nodeName(a).localeCompare(nodeName(b)));
  const destinations = staying.filter((node) => isNodeReady(node) && !isCordoned(node));

  const podsByNode = new Map<string, V1Pod[]>(staying.map((node) => [nodeName(node), []]));
  for (const pod of input.allPods) {
    if (isTerminal(pod)) continue;
    podsByNode.get(pod.spec?.nodeName ?? '')?.push(pod);
  }

  const podsToMove = largestFirst(podsDrainWouldEvict(input.podsOnNode));
  return { staying, destinations, podsByNode, podsToMove };
}
