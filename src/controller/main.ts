// The controller process: `node dist/controller/main.js [flags]`. Watches pending pods,
// NodeGroups, VPSieNodes, Nodes and deletions; creates VPSieNodes for scale-ups, keeps NodeGroup
// status, starts workflows (watch -> decide -> start workflow), serves /metrics and probes.
import { Registry } from 'prom-client';
import { ConfigError, configOrigins, loadConfig, renderHelp, wantsHelp } from '../config';
import { createKubeClients } from '../kube/clients';
import { createLogger } from '../logging/logger';
import { startMetricsServer } from '../metrics/http';
import { createMetrics } from '../metrics/recorders';
import { connectClient } from '../temporal/connection';
import { startHealthServer } from './health';
import { leaderIdentity, startLeaderElection } from './leader-election';
import { ProvisioningController } from './provisioning-controller';
import { RemovalController } from './removal-controller';
import { ScaleDownController } from './scale-down-controller';
import { scaleDownSettings } from '../disruption/scale-down-settings';
import { vpsieClientFromConfig } from '../vpsie/from-config';
import { OfferingCatalogue } from './offering-catalogue';
import { NodeGroupController } from './node-group-controller';
import { ScaleUpController } from './scale-up/controller';
import { scaleUpSettings } from './scale-up/settings';

export async function runController(
  argv: string[],
  env: NodeJS.ProcessEnv,
  onLeadershipLost: () => void = () => process.exit(1),
): Promise<() => Promise<void>> {
  const loaded = loadConfig({ argv, env });
  const { config } = loaded;
  const logger = createLogger({ level: config.logging.level, format: config.logging.format });
  logger.info('configuration loaded', { origins: configOrigins(loaded) });
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const metricsServer = await startMetricsServer({
    registry,
    bindAddress: config.metrics.bindAddress,
    logger,
  });
  const health = await startHealthServer(config.health.bindAddress);
  const kube = createKubeClients(config.controller.kubeconfig);
  const { client, connection } = await connectClient(config.temporal);
  const common = {
    kubeConfig: kube.kubeConfig,
    workflows: client.workflow,
    taskQueue: config.temporal.taskQueue,
  };
  const provisioning = new ProvisioningController({
    ...common,
    logger: logger.child({ component: 'provisioning-controller' }),
    metrics,
    namespace: config.controller.watchNamespace,
    failedTtlSeconds: config.controller.failedVpsieNodeTtl,
    resyncSeconds: config.controller.resyncSeconds,
  });
  // Scale-up sizes new nodes by the VPSie offering list: the controller's only VPSie calls.
  const vpsie = await vpsieClientFromConfig(config, kube.core, metrics, logger, env);
  const scaleUp = new ScaleUpController({
    kubeConfig: kube.kubeConfig,
    logger: logger.child({ component: 'scale-up-controller' }),
    metrics,
    namespace: config.controller.watchNamespace,
    offerings: new OfferingCatalogue(vpsie, config.scaling.offeringCacheSeconds),
    settings: scaleUpSettings(config),
  });
  const nodeGroups = new NodeGroupController({
    ...common,
    logger: logger.child({ component: 'nodegroup-status-controller' }),
    metrics,
    namespace: config.controller.watchNamespace,
    resyncSeconds: config.controller.resyncSeconds,
    // "Off: the autoscaler only adds nodes" covers nodes above a lowered maxNodes too.
    enforceMaxNodes: config.features.scaleDownEnabled,
  });
  const removal = new RemovalController({
    ...common,
    logger: logger.child({ component: 'removal-controller' }),
    namespace: config.controller.watchNamespace,
  });
  // features.scaleDownEnabled off: no removals for low utilisation, so nothing to sample either.
  // Explicit deletions (removal controller) still drain and delete the VM.
  const scaleDown = config.features.scaleDownEnabled
    ? new ScaleDownController({
        ...common,
        ...scaleDownSettings(config),
        logger: logger.child({ component: 'scale-down-controller' }),
        metrics,
        namespace: config.controller.watchNamespace,
        metricsServerUtilization: config.features.metricsServerUtilization,
      })
    : undefined;
  if (!scaleDown) logger.info('scale-down of underutilised nodes is disabled');
  const controllers = [
    provisioning,
    removal,
    scaleUp,
    nodeGroups,
    ...(scaleDown ? [scaleDown] : []),
  ];
  const startAll = () => Promise.all(controllers.map((c) => c.start()));
  const stopAll = () => Promise.all(controllers.map((c) => c.stop()));

  // Only the leader acts; the other replicas are ready (they serve probes and metrics) and wait.
  // A leader that loses its Lease stops and exits: a fresh process competes again with clean
  // informer state rather than restarting controllers in place.
  let stopping = false;
  const le = config.leaderElection;
  const elector = le.enabled
    ? startLeaderElection({
        kubeConfig: kube.kubeConfig,
        namespace: le.leaseNamespace,
        name: le.leaseName,
        identity: leaderIdentity(),
        leaseDurationSeconds: le.leaseDurationSeconds,
        renewDeadlineSeconds: le.renewDeadlineSeconds,
        retryPeriodSeconds: le.retryPeriodSeconds,
        logger: logger.child({ component: 'leader-election' }),
        onStartedLeading: async () => {
          logger.info('became leader; starting controllers');
          await startAll();
        },
        onStoppedLeading: async () => {
          await stopAll();
          if (!stopping) {
            logger.error('lost leadership; exiting so that a fresh replica can compete');
            onLeadershipLost();
          }
        },
      })
    : undefined;
  if (!elector) await startAll();
  health.setReady(true);
  logger.info('controller started', {
    metrics: metricsServer.url,
    health: health.url,
    leaderElection: le.enabled,
  });
  return async () => {
    stopping = true;
    health.setReady(false);
    if (elector) await elector.stop();
    else await stopAll();
    await connection.close();
    await metricsServer.close();
    await health.close();
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(renderHelp());
  } else {
    runController(argv, process.env).then(
      (stop) => {
        const shutdown = () => void stop().then(() => process.exit(0));
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
      },
      (err: unknown) => {
        const message =
          err instanceof ConfigError ? err.message : String(err instanceof Error ? err.stack : err);
        process.stderr.write(`vpsie-autoscaler controller: ${message}\n`);
        process.exit(1);
      },
    );
  }
}
