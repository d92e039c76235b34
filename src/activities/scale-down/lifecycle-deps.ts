// What the scale-down lifecycle activities (safety, pause, removal, outcome) need, injected by
// the worker and by tests.
import type { WorkflowClient } from '@temporalio/client';
import type { KubeClients } from '../../kube/clients';
import type { Logger } from '../../logging/logger';
import type { Metrics } from '../../metrics/recorders';
import type { VpsieClient } from '../../vpsie';

export interface ScaleDownLifecycleDeps {
  kube: KubeClients;
  vpsie: VpsieClient;
  metrics: Metrics;
  logger: Logger;
  /** Reads the pause-control workflows' state. */
  workflows: WorkflowClient;
  /** How often waitWhilePaused looks again. */
  pauseCheckIntervalMs: number;
  /** Cluster Autoscaler's scale-down delays, from config.scaling. */
  delays: { afterAddMs: number; afterFailureMs: number };
}
