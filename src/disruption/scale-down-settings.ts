// Scale-down settings taken from the configuration in one place, so the controller, the worker
// and tests judge nodes by the same cluster-wide values.
import type { Config } from '../config';
import type { ScaleDownDefaults } from './scale-down-policy';
import type { ClusterHealthPolicy } from './safety/input';

export interface ScaleDownSettings {
  /** How often nodes are sampled and candidates chosen. */
  sampleIntervalSeconds: number;
  /** How much sample history each node keeps. */
  sampleRetentionSeconds: number;
  /** Cluster-wide values for what a NodeGroup's scaleDownPolicy does not set. */
  defaults: ScaleDownDefaults;
  clusterHealth: ClusterHealthPolicy;
}

export function scaleDownSettings(config: Config): ScaleDownSettings {
  const s = config.scaling;
  return {
    sampleIntervalSeconds: s.utilizationSampleIntervalSeconds,
    sampleRetentionSeconds: s.utilizationSampleRetentionSeconds,
    defaults: {
      utilizationThreshold: s.scaleDownUtilizationThreshold,
      unneededSeconds: s.scaleDownUnneededSeconds,
      delayAfterAddMs: s.scaleDownDelayAfterAddSeconds * 1000,
      delayAfterFailureMs: s.scaleDownDelayAfterFailureSeconds * 1000,
      maxGracefulTerminationSeconds: s.maxGracefulTerminationSeconds,
      // Cluster Autoscaler's --skip-nodes-with-local-storage / --skip-nodes-with-system-pods:
      // turning one off turns its safety check off.
      skippedChecks: [
        ...(s.skipNodesWithLocalStorage ? [] : (['local_storage'] as const)),
        ...(s.skipNodesWithSystemPods ? [] : (['system_pods'] as const)),
      ],
    },
    clusterHealth: {
      okUnreadyCount: s.okTotalUnreadyCount,
      maxUnreadyPercentage: s.maxTotalUnreadyPercentage,
    },
  };
}
