// Builds what the activities need from the loaded configuration: Kubernetes clients, the VPSie
// client with its credentials, and the join information of the cluster.
import { credentialReaders, resolveCredentials, type Config } from '../config';
import { createKubeClients } from '../kube/clients';
import { clusterJoinInfo } from '../kube/cluster-info';
import type { Logger } from '../logging/logger';
import { createVpsieApiObserver } from '../metrics/vpsie-api-observer';
import type { Metrics } from '../metrics/recorders';
import { VpsieClient } from '../vpsie';
import type { ProvisioningDeps } from '../activities/provisioning';

export async function buildProvisioningDeps(
  config: Readonly<Config>,
  metrics: Metrics,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProvisioningDeps> {
  const kube = createKubeClients(config.controller.kubeconfig);
  const resolved = await resolveCredentials(config, env, credentialReaders(kube.core));
  logger.info('VPSie credentials loaded', { source: resolved.source });
  const vpsie = new VpsieClient({
    credentials: resolved.credentials,
    baseUrl: resolved.baseUrl ?? config.vpsie.baseUrl,
    observer: createVpsieApiObserver(metrics, logger),
    logger: logger.child({ component: 'vpsie-client' }),
    timeoutMs: config.vpsie.requestTimeoutSeconds * 1000,
    retry: { maxRetries: config.vpsie.maxRetries },
    rateLimit: { requestsPerMinute: config.vpsie.rateLimitPerMinute },
    circuitBreaker: {
      failureThreshold: config.vpsie.circuitBreaker.failureThreshold,
      openMs: config.vpsie.circuitBreaker.openSeconds * 1000,
    },
  });
  const maxProvision = config.scaling.maxNodeProvisionSeconds;
  return {
    kube,
    vpsie,
    metrics,
    logger: logger.child({ component: 'provisioning' }),
    cluster: clusterJoinInfo(kube.kubeConfig),
    defaultSshKeyIds: [...config.defaultSshKeyIds],
    // Long enough for the slowest allowed join, short enough to be useless soon after.
    bootstrapTokenTtlSeconds: maxProvision + 15 * 60,
    pollIntervalMs: 2_000,
    backoff: {
      baseSeconds: config.scaling.nodeGroupBackoffInitialSeconds,
      maxSeconds: config.scaling.nodeGroupBackoffMaxSeconds,
    },
  };
}
