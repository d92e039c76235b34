// Node facts used when deciding where evicted pods could go and whether the cluster is healthy.
import type { V1Node } from '@kubernetes/client-node';

export function nodeName(node: V1Node): string {
  return node.metadata?.name ?? '';
}

/** The Ready condition is True (Unknown, False and missing all count as not ready). */
export function isNodeReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Cordoned: the scheduler places no new pods on it. */
export function isCordoned(node: V1Node): boolean {
  return node.spec?.unschedulable === true;
}

export function isBeingDeleted(node: V1Node): boolean {
  return node.metadata?.deletionTimestamp !== undefined;
}
