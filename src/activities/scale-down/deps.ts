// What the drain activities need from the outside world, injected by the worker (and by tests),
// so each activity stays a thin adapter over these clients.
import type { KubeClients } from '../../kube/clients';
import type { Logger } from '../../logging/logger';
import type { Metrics } from '../../metrics/recorders';

export interface ScaleDownDeps {
  kube: KubeClients;
  metrics: Metrics;
  logger: Logger;
  /** How often the drain looks whether evicted pods are gone. */
  pollIntervalMs: number;
  /** Pause before evicting again a pod whose eviction a PodDisruptionBudget refused. */
  evictionRetryMs: number;
}
