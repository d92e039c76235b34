// A NodeGroup's members as the status reconciler sees them: each VPSieNode of the group paired
// with its Kubernetes Node (when one has registered), and what that pair says about the node's
// place in the group. Pure.
import { isNodeReady } from '../../disruption/nodes';
import type { V1Node } from '@kubernetes/client-node';
import {
  LABELS,
  MANAGED_LABEL_VALUE,
  TAINTS,
  type VPSieNode,
  type VPSieNodePhase,
} from '../../apis/v1alpha1';

/** Phases of a VPSieNode that is on its way to becoming a node (no phase yet counts too). */
export const PROVISIONING_PHASES: readonly VPSieNodePhase[] = [
  'Pending',
  'Provisioning',
  'Provisioned',
  'Joining',
];
/** Phases of a VPSieNode that is leaving or already lost: not part of the group's size. */
const NOT_COUNTED_PHASES: readonly VPSieNodePhase[] = ['Failed', 'Terminating', 'Deleting'];
const REMOVAL_PHASES: readonly VPSieNodePhase[] = ['Terminating', 'Deleting'];

export interface Member {
  vpsieNode: VPSieNode;
  /** The Node standing for it, when one carries our labels for it. */
  node?: V1Node;
  /** Kubernetes Node name: the Node's, else the one the VPSieNode records, else its own name. */
  nodeName: string;
  /** status.phase; a VPSieNode nobody has written a phase on yet is Pending. */
  phase: VPSieNodePhase;
  /** Part of currentNodes: not being deleted, not Failed, not Terminating/Deleting. */
  counted: boolean;
  /** The Node exists and its Ready condition is True. */
  nodeReady: boolean;
  provisioning: boolean;
  /** Being removed: deleted, Terminating/Deleting, or its Node deleted or tainted by a removal. */
  removing: boolean;
}

/** Whether `node` carries our labels for a member of `namespace`/`group`. */
export function isOurNodeOf(node: V1Node, namespace: string, group: string): boolean {
  const labels = node.metadata?.labels ?? {};
  return (
    labels[LABELS.managed] === MANAGED_LABEL_VALUE &&
    labels[LABELS.nodeGroupNamespace] === namespace &&
    labels[LABELS.nodeGroup] === group
  );
}

function nodeIsLeaving(node: V1Node): boolean {
  return (
    node.metadata?.deletionTimestamp !== undefined ||
    (node.spec?.taints ?? []).some((t) => t.key === TAINTS.toBeDeleted)
  );
}

/**
 * Pairs the group's VPSieNodes with its Nodes. A Node is matched by its vpsienode label first
 * (what the provisioning workflow puts on it), else by name; only Nodes with our labels for this
 * very group are considered, so a foreign Node of the same name is never mistaken for ours.
 */
export function groupMembers(
  namespace: string,
  group: string,
  vpsieNodes: readonly VPSieNode[],
  nodes: readonly V1Node[],
): Member[] {
  const ours = nodes.filter((n) => isOurNodeOf(n, namespace, group));
  const byVpsieNode = new Map<string, V1Node>();
  const byName = new Map<string, V1Node>();
  for (const node of ours) {
    const label = node.metadata?.labels?.[LABELS.vpsieNode];
    if (label) byVpsieNode.set(label, node);
    if (node.metadata?.name) byName.set(node.metadata.name, node);
  }
  return vpsieNodes
    .filter((vn) => vn.metadata.namespace === namespace && vn.spec.nodeGroupName === group)
    .map((vn) => {
      const name = vn.metadata.name ?? '';
      const recorded = vn.spec.nodeName ?? vn.status?.nodeName ?? name;
      const node = byVpsieNode.get(name) ?? byName.get(recorded);
      const phase = vn.status?.phase ?? 'Pending';
      const deleted = vn.metadata.deletionTimestamp !== undefined;
      return {
        vpsieNode: vn,
        node,
        nodeName: node?.metadata?.name ?? recorded,
        phase,
        counted: !deleted && !NOT_COUNTED_PHASES.includes(phase),
        nodeReady: node !== undefined && isNodeReady(node),
        provisioning: !deleted && PROVISIONING_PHASES.includes(phase),
        removing:
          deleted ||
          REMOVAL_PHASES.includes(phase) ||
          (node !== undefined && phase !== 'Failed' && nodeIsLeaving(node)),
      };
    });
}
