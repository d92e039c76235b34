// Builds the activities from the loaded configuration: Kubernetes clients, the VPSie client with
// its credentials, the join information of the cluster and a Temporal client for pause state.
import type { Config } from '../config';
import { createKubeClients } from '../kube/clients';
import { clusterJoinInfo } from '../kube/cluster-info';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/recorders';
import { vpsieClientFromConfig } from '../vpsie/from-config';
import type { WorkflowClient } from '@temporalio/client';
import { createProvisioningActivities, type ProvisioningDeps } from '../activities/provisioning';
import { createScaleDownActivities, type ScaleDownDeps } from '../activities/scale-down';
import { scaleDownSettings } from '../disruption/scale-down-settings';
import type { AutoscalerActivities } from './worker';

export async function buildActivities(
  config: Readonly<Config>,
  metrics: Metrics,
  logger: Logger,
  workflows: WorkflowClient,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AutoscalerActivities> {
  const kube = createKubeClients(config.controller.kubeconfig);
  const vpsie = await vpsieClientFromConfig(config, kube.core, metrics, logger, env);
  const maxProvision = config.scaling.maxNodeProvisionSeconds;
  const provisioning: ProvisioningDeps = {
    kube,
    vpsie,
    metrics,
    logger: logger.child({ component: 'provisioning' }),
    cluster: clusterJoinInfo(kube.kubeConfig, config.controller.apiServerEndpoint),
    defaultSshKeyIds: [...config.defaultSshKeyIds],
    // Long enough for the slowest allowed join, short enough to be useless soon after.
    bootstrapTokenTtlSeconds: maxProvision + 15 * 60,
    pollIntervalMs: 2_000,
    backoff: {
      baseSeconds: config.scaling.nodeGroupBackoffInitialSeconds,
      maxSeconds: config.scaling.nodeGroupBackoffMaxSeconds,
      resetSeconds: config.scaling.nodeGroupBackoffResetSeconds,
    },
  };
  const settings = scaleDownSettings(config);
  const scaleDown: ScaleDownDeps = {
    kube,
    vpsie,
    metrics,
    logger: logger.child({ component: 'scale-down' }),
    workflows,
    pollIntervalMs: 2_000,
    evictionRetryMs: 5_000,
    pauseCheckIntervalMs: 5_000,
    policyDefaults: settings.defaults,
    clusterHealth: settings.clusterHealth,
  };
  return {
    ...createProvisioningActivities(provisioning),
    ...createScaleDownActivities(scaleDown),
  };
}
