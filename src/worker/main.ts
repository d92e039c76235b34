// The worker process: `node dist/worker/main.js [flags]`. Runs the workflows and activities,
// serves /metrics (ours plus the Temporal SDK's own worker metrics) and shuts down gracefully.
import { Runtime } from '@temporalio/worker';
import { Registry } from 'prom-client';
import { ConfigError, configOrigins, loadConfig, renderHelp, wantsHelp } from '../config';
import { createLogger, type Logger } from '../logging/logger';
import { startMetricsServer } from '../metrics/http';
import { proxyMetricsText } from '../metrics/fetch-metrics-text';
import { createMetrics } from '../metrics/recorders';
import { freeLoopbackPort } from './ports';
import { buildActivities } from './dependencies';
import { connectClient, connectWorker } from '../temporal/connection';
import { createAutoscalerWorker } from './worker';

export async function runWorker(
  argv: string[],
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): Promise<void> {
  const loaded = loadConfig({ argv, env });
  const { config } = loaded;
  const log =
    logger ?? createLogger({ level: config.logging.level, format: config.logging.format });
  log.info('configuration loaded', { origins: configOrigins(loaded) });

  // The SDK serves its own Prometheus metrics on a loopback port; /metrics appends them.
  const sdkMetricsAddress = `127.0.0.1:${await freeLoopbackPort()}`;
  Runtime.install({
    telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } },
  });
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const server = await startMetricsServer({
    registry,
    bindAddress: config.metrics.bindAddress,
    extraText: proxyMetricsText(`http://${sdkMetricsAddress}/metrics`),
  });
  log.info('serving metrics', { url: server.url });

  // Activities read the pause-control workflows through a client of their own.
  const { client, connection: clientConnection } = await connectClient(config.temporal);
  const activities = await buildActivities(config, metrics, log, client.workflow);
  const connection = await connectWorker(config.temporal);
  const worker = await createAutoscalerWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
  });
  log.info('worker started', {
    taskQueue: config.temporal.taskQueue,
    address: config.temporal.address,
  });
  // Runtime.install registers SIGINT/SIGTERM handlers that shut the worker down gracefully.
  try {
    await worker.run();
  } finally {
    await server.close();
    await connection.close();
    await clientConnection.close();
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(renderHelp());
  } else {
    runWorker(argv, process.env).catch((err: unknown) => {
      const message =
        err instanceof ConfigError ? err.message : String(err instanceof Error ? err.stack : err);
      process.stderr.write(`vpsie-autoscaler worker: ${message}\n`);
      process.exit(1);
    });
  }
}
