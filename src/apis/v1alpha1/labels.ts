// Label, annotation and finalizer keys. The spellings are those of the earlier Go autoscaler, so
// nodes and objects it labelled are still recognised.
import { GROUP } from './groupversion';

/** Labels we put on Nodes, VPSieNodes and NodeGroups (selectable, so they are labels). */
export const LABELS = {
  /** `"true"` on a NodeGroup the autoscaler manages; on Nodes and VPSieNodes it created. */
  managed: `${GROUP}/managed`,
  /** Name of the NodeGroup a Node or VPSieNode belongs to. */
  nodeGroup: `${GROUP}/nodegroup`,
  /** Namespace of that NodeGroup (Nodes are cluster-scoped, NodeGroups are not). */
  nodeGroupNamespace: `${GROUP}/nodegroup-namespace`,
  /** Name of the VPSieNode that stands for a Node. */
  vpsieNode: `${GROUP}/vpsienode`,
  /** VPSie datacenter of the node's VM. */
  datacenter: `${GROUP}/datacenter`,
} as const;

export const MANAGED_LABEL_VALUE = 'true';

/** Annotations on Nodes: operator intent and drain bookkeeping (not for selection). */
export const ANNOTATIONS = {
  /** `"true"`: never remove this node (the earlier autoscaler's protection annotation). */
  protected: `${GROUP}/protected`,
  /**
   * `"true"`: never scale this node down. The earlier autoscaler also honoured it as a label,
   * so readers should check both.
   */
  scaleDownDisabled: `${GROUP}/scale-down-disabled`,
  /** RFC 3339 time the current drain started. */
  drainStartTime: `${GROUP}/drain-start-time`,
  /** `draining` or `drained`. */
  drainStatus: `${GROUP}/drain-status`,
  /**
   * `"true"`/`"false"`: whether the node was already unschedulable before we cordoned it, so
   * uncordoning never undoes an operator's `kubectl cordon`. Its presence also means "we cordoned".
   */
  unschedulableBeforeDrain: `${GROUP}/unschedulable-before-drain`,
} as const;

/** Taints we put on Nodes. */
export const TAINTS = {
  /**
   * NoSchedule on a node we are removing (value: Unix seconds). `spec.unschedulable` alone is
   * not enough: some tools ignore it and operators set it too, so the taint says "ours".
   */
  toBeDeleted: `${GROUP}/to-be-deleted`,
} as const;

/** Finalizers: they keep the object until its VMs are gone, so no VM is ever orphaned. */
export const FINALIZERS = {
  vpsieNode: `vpsienode.${GROUP}/finalizer`,
  /** On Nodes we created: `kubectl delete node` then drains and deletes the VM first. */
  node: `node.${GROUP}/finalizer`,
} as const;

export type KeyKind = 'label' | 'annotation' | 'taint' | 'finalizer';

/** Every key above with what it means, for docs/api/crds.md. */
export const WELL_KNOWN_KEYS: Array<{ key: string; kind: KeyKind; meaning: string }> = [
  {
    key: LABELS.managed,
    kind: 'label',
    meaning: `"${MANAGED_LABEL_VALUE}" on NodeGroups the autoscaler manages and on the Nodes and VPSieNodes it created.`,
  },
  { key: LABELS.nodeGroup, kind: 'label', meaning: 'NodeGroup a Node or VPSieNode belongs to.' },
  {
    key: LABELS.nodeGroupNamespace,
    kind: 'label',
    meaning: 'Namespace of the NodeGroup of a Node (Nodes are cluster-scoped).',
  },
  { key: LABELS.vpsieNode, kind: 'label', meaning: 'VPSieNode that stands for a Node.' },
  { key: LABELS.datacenter, kind: 'label', meaning: "VPSie datacenter of the node's VM." },
  { key: ANNOTATIONS.protected, kind: 'annotation', meaning: '"true" on a Node: never remove it.' },
  {
    key: ANNOTATIONS.scaleDownDisabled,
    kind: 'annotation',
    meaning: '"true" on a Node: never scale it down (also honoured as a label).',
  },
  {
    key: ANNOTATIONS.drainStartTime,
    kind: 'annotation',
    meaning: 'RFC 3339 time the current drain of a Node started.',
  },
  { key: ANNOTATIONS.drainStatus, kind: 'annotation', meaning: '"draining" or "drained".' },
  {
    key: ANNOTATIONS.unschedulableBeforeDrain,
    kind: 'annotation',
    meaning:
      'Whether a Node was already cordoned before the autoscaler cordoned it; uncordoning restores that.',
  },
  {
    key: TAINTS.toBeDeleted,
    kind: 'taint',
    meaning: 'NoSchedule on a Node being drained for removal; value: Unix seconds when it was put.',
  },
  {
    key: FINALIZERS.vpsieNode,
    kind: 'finalizer',
    meaning: 'On VPSieNodes: removed once the VM is deleted at VPSie.',
  },
  {
    key: FINALIZERS.node,
    kind: 'finalizer',
    meaning:
      'On Nodes the autoscaler created: removed once the node is drained and its VM deleted.',
  },
];
