// What cordoning adds to a Node and how to take exactly that away again, as merge patches
// computed from the Node we read (pure, so the undo logic is unit-tested without a cluster).
import type { V1Node, V1Taint } from '@kubernetes/client-node';
import { ANNOTATIONS, TAINTS } from '../../apis/v1alpha1';

export const DRAIN_STATUS = { draining: 'draining', drained: 'drained' } as const;

/** A JSON merge patch of a Node; `null` deletes a key. */
export interface NodeMergePatch {
  metadata: { resourceVersion?: string; annotations: Record<string, string | null> };
  spec?: { unschedulable?: boolean; taints?: V1Taint[] };
}

const isOurTaint = (taint: V1Taint) => taint.key === TAINTS.toBeDeleted;

/**
 * Taint values must be valid label values (no `:`), so the time goes in as Unix seconds, the
 * way Cluster Autoscaler writes its `ToBeDeletedByClusterAutoscaler` taint.
 */
export function toBeDeletedTaint(nowMs: number): V1Taint {
  return {
    key: TAINTS.toBeDeleted,
    value: String(Math.floor(nowMs / 1000)),
    effect: 'NoSchedule',
  };
}

/**
 * Cordon, taint and mark draining. Idempotent: an existing taint of ours is kept as it is, and
 * the first cordon's record of the node's own schedulability is never overwritten (by then the
 * node is unschedulable because of us). The drain start is renewed: each cordon starts a drain.
 * `resourceVersion` makes the patch fail with 409 if the node changed since `node` was read,
 * because the taint list is replaced as a whole.
 */
export function cordonPatch(node: V1Node, nowMs: number): NodeMergePatch {
  const taints = node.spec?.taints ?? [];
  const annotations = node.metadata?.annotations ?? {};
  const wasUnschedulable =
    annotations[ANNOTATIONS.unschedulableBeforeDrain] ?? String(node.spec?.unschedulable === true);
  return {
    metadata: {
      resourceVersion: node.metadata?.resourceVersion,
      annotations: {
        [ANNOTATIONS.drainStatus]: DRAIN_STATUS.draining,
        [ANNOTATIONS.drainStartTime]: new Date(nowMs).toISOString(),
        [ANNOTATIONS.unschedulableBeforeDrain]: wasUnschedulable,
      },
    },
    spec: {
      unschedulable: true,
      taints: taints.some(isOurTaint) ? taints : [...taints, toBeDeletedTaint(nowMs)],
    },
  };
}

/**
 * Undo `cordonPatch`: remove our taint and annotations, and make the node schedulable only if
 * we recorded that it was schedulable before us. Undefined when nothing of ours is on the node.
 */
export function uncordonPatch(node: V1Node): NodeMergePatch | undefined {
  const taints = node.spec?.taints ?? [];
  const annotations = node.metadata?.annotations ?? {};
  const ourAnnotations = [
    ANNOTATIONS.drainStatus,
    ANNOTATIONS.drainStartTime,
    ANNOTATIONS.unschedulableBeforeDrain,
  ].filter((key) => key in annotations);
  const hasOurTaint = taints.some(isOurTaint);
  if (!hasOurTaint && ourAnnotations.length === 0) return undefined;

  const spec: NodeMergePatch['spec'] = {};
  if (hasOurTaint) spec.taints = taints.filter((t) => !isOurTaint(t));
  if (annotations[ANNOTATIONS.unschedulableBeforeDrain] === 'false') spec.unschedulable = false;
  return {
    metadata: {
      resourceVersion: node.metadata?.resourceVersion,
      annotations: Object.fromEntries(ourAnnotations.map((key) => [key, null])),
    },
    ...(Object.keys(spec).length > 0 ? { spec } : {}),
  };
}

/**
 * When the current drain started, if the node is marked draining by `cordonPatch`; a drain that
 * is retried keeps its first deadline instead of starting the clock again.
 */
export function drainStartMs(node: V1Node | undefined, nowMs: number): number | undefined {
  const annotations = node?.metadata?.annotations ?? {};
  if (annotations[ANNOTATIONS.drainStatus] !== DRAIN_STATUS.draining) return undefined;
  const started = Date.parse(annotations[ANNOTATIONS.drainStartTime] ?? '');
  // A start in the future (clock skew between workers) would stretch the deadline: ignore it.
  return Number.isNaN(started) || started > nowMs ? undefined : started;
}
