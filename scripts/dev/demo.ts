// `npm run demo`: the whole system locally on embedded defaults. Until the controller, worker
// and simulator exist this brings up the stack they run on (a Temporal dev server with its Web
// UI, a real control plane and Prometheus) and keeps it up until Ctrl-C.
import { startCluster, stopCluster } from './lib/local-cluster';
import { startPrometheus, stopPrometheus } from './lib/prometheus-server';
import { startTemporal, stopTemporal } from './lib/temporal-dev-server';

const NAME = 'demo';

async function main(): Promise<void> {
  const temporal = await startTemporal(NAME);
  console.log(`Temporal dev server  ${temporal.address}   Web UI ${temporal.uiUrl}`);
  console.log(`  SQLite history      ${temporal.dbFile} (kept across restarts)`);
  const cluster = await startCluster(NAME);
  console.log(`Kubernetes API       ${cluster.apiServerUrl}`);
  console.log(`  kubeconfig          ${cluster.kubeconfig}`);
  console.log(`  logs                ${cluster.dir}/logs`);
  // Scrape targets (controller, worker) are added once those processes exist.
  const prometheus = await startPrometheus(NAME, { targets: [] });
  console.log(`Prometheus           ${prometheus.url}`);

  if (process.argv.includes('--once')) {
    await shutdown();
    return;
  }
  console.log('Stack is up. Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await shutdown();
}

async function shutdown(): Promise<void> {
  console.log('stopping the control plane and the Temporal dev server');
  await stopPrometheus(NAME);
  await stopCluster(NAME);
  await stopTemporal(NAME);
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await shutdown().catch(() => undefined);
  process.exit(1);
});
