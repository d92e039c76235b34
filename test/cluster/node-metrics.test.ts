// The metrics.k8s.io adapter against a control plane without metrics-server: discovery has no
// metrics.k8s.io group, and the adapter answers undefined — no throw, one log line however many
// rounds ask. (No fake metrics.k8s.io APIService is served here: the mapping of a NodeMetrics
// list is covered by test/unit/state/node-metrics.test.ts.)
import * as k8s from '@kubernetes/client-node';
import { METRICS_GROUP, NodeMetricsReader } from '../../src/kube/node-metrics';
import { kubeConfig } from '../support/cluster';
import { recordingLogger } from '../support/recording-logger';

const kc = kubeConfig();

test('the test control plane does not serve metrics.k8s.io', async () => {
  const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
  expect(groups.groups.map((g) => g.name)).not.toContain(METRICS_GROUP);
});

test('the adapter reports the absent API as undefined, logging it once', async () => {
  const { logger, lines } = recordingLogger();
  const reader = new NodeMetricsReader(kc, logger);
  for (let round = 0; round < 3; round++) {
    await expect(reader.read()).resolves.toBeUndefined();
  }
  expect(reader.state).toBe('not-served');
  expect(lines).toEqual([
    expect.objectContaining({ level: 'info', msg: expect.stringMatching(/not served/) }),
  ]);
});
