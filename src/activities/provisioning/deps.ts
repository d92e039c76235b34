// What the provisioning activities need from the outside world, injected by the worker (and by
// tests), so each activity stays a thin adapter over these clients.
import type { VpsieClient } from '../../vpsie';
import type { KubeClients } from '../../kube/clients';
import type { ClusterJoinInfo } from '../../kube/cluster-info';
import type { Logger } from '../../logging/logger';
import type { Metrics } from '../../metrics/recorders';

export interface ProvisioningDeps {
  kube: KubeClients;
  vpsie: VpsieClient;
  metrics: Metrics;
  logger: Logger;
  cluster: ClusterJoinInfo;
  defaultSshKeyIds: string[];
  /** Bootstrap tokens outlive the node-ready deadline by this margin, then expire. */
  bootstrapTokenTtlSeconds: number;
  /** How often the long waits poll (VM status, Node readiness). */
  pollIntervalMs: number;
  /**
   * Back-off of a NodeGroup after a failed provisioning: base doubling up to max; the streak
   * starts again after `resetSeconds` without failures.
   */
  backoff: { baseSeconds: number; maxSeconds: number; resetSeconds: number };
}
