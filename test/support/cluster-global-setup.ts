// Starts the real control plane once for the whole cluster tier.
import { startCluster } from '../../scripts/dev/lib/local-cluster';
import { TEST_CLUSTER } from './cluster';

export default async function setup(): Promise<void> {
  const started = Date.now();
  const state = await startCluster(TEST_CLUSTER);
  process.stdout.write(
    `\ncontrol plane '${TEST_CLUSTER}' up at ${state.apiServerUrl} in ${Date.now() - started} ms\n`,
  );
}
