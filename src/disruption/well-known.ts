// Annotation and label keys scale-down reads. Ours come from the API package; the others are the
// spellings Cluster Autoscaler and Karpenter users already put on their manifests, so those
// manifests mean the same under our autoscaler.
import { ANNOTATIONS } from '../apis/v1alpha1/labels';

// The mirror-pod and DaemonSet-pod annotations live with the pod classification, in
// src/state/utilization/pod-kinds.ts.

/** Cluster Autoscaler: `"true"` lets a pod go despite soft blockers, `"false"` pins its node. */
export const SAFE_TO_EVICT_ANNOTATION = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
/** Cluster Autoscaler: comma-separated names of local volumes whose data may be lost. */
export const SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION =
  'cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes';
/** Cluster Autoscaler: `"true"` on a Node keeps it from being scaled down. */
export const CA_SCALE_DOWN_DISABLED_ANNOTATION =
  'cluster-autoscaler.kubernetes.io/scale-down-disabled';

/** Karpenter: `"true"` on a pod or node blocks voluntary disruption of that node. */
export const DO_NOT_DISRUPT_ANNOTATION = 'karpenter.sh/do-not-disrupt';

/** Ours, honoured as annotation or label (the earlier autoscaler accepted both). */
export const PROTECTED_KEY = ANNOTATIONS.protected;
export const SCALE_DOWN_DISABLED_KEY = ANNOTATIONS.scaleDownDisabled;

/** Pods here without a PodDisruptionBudget block scale-down (Cluster Autoscaler's rule). */
export const SYSTEM_NAMESPACE = 'kube-system';
