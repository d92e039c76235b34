import { stopCluster } from '../../scripts/dev/lib/local-cluster';
import { TEST_CLUSTER } from './cluster';

export default async function teardown(): Promise<void> {
  await stopCluster(TEST_CLUSTER);
}
