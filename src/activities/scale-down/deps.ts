// What the scale-down activities need from the outside world, injected by the worker (and by
// tests), so each activity stays a thin adapter over these clients.
import type { WorkflowClient } from '@temporalio/client';
import type { ClusterHealthPolicy } from '../../disruption/safety/input';
import type { ScaleDownDefaults } from '../../disruption/scale-down-policy';
import type { KubeClients } from '../../kube/clients';
import type { Logger } from '../../logging/logger';
import type { Metrics } from '../../metrics/recorders';
import type { VpsieClient } from '../../vpsie';

/** What cordon, drain and uncordon need: only the cluster. */
export interface DrainDeps {
  kube: KubeClients;
  metrics: Metrics;
  logger: Logger;
  /** How often the drain looks whether evicted pods are gone. */
  pollIntervalMs: number;
  /** Pause before evicting again a pod whose eviction a PodDisruptionBudget refused. */
  evictionRetryMs: number;
}

export interface ScaleDownDeps extends DrainDeps {
  vpsie: VpsieClient;
  /** Reads the pause-control workflows' state. */
  workflows: WorkflowClient;
  /** How often waitWhilePaused looks again. */
  pauseCheckIntervalMs: number;
  /** Cluster-wide values for what a NodeGroup's scaleDownPolicy does not set (config.scaling). */
  policyDefaults: ScaleDownDefaults;
  clusterHealth: ClusterHealthPolicy;
}
