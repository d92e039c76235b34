// The VPSie client as both processes build it from the loaded configuration: credentials from
// the Secret, env or a file (never from the config itself), limits and observer from config.
import type * as k8s from '@kubernetes/client-node';
import { credentialReaders, resolveCredentials, type Config } from '../config';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/recorders';
import { createVpsieApiObserver } from '../metrics/vpsie-api-observer';
import { VpsieClient } from './client';

export async function vpsieClientFromConfig(
  config: Readonly<Config>,
  core: k8s.CoreV1Api,
  metrics: Metrics,
  logger: Logger,
  env: NodeJS.ProcessEnv,
): Promise<VpsieClient> {
  const resolved = await resolveCredentials(config, env, credentialReaders(core));
  logger.info('VPSie credentials loaded', { source: resolved.source });
  return new VpsieClient({
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
}
