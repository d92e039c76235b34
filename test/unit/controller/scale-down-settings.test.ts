import { ConfigSchema } from '../../../src/config';
import { scaleDownSettings } from '../../../src/disruption/scale-down-settings';

test('the controller takes its intervals, defaults and health limits from config.scaling', () => {
  const config = ConfigSchema.parse({
    scaling: {
      utilizationSampleIntervalSeconds: 30,
      utilizationSampleRetentionSeconds: 1800,
      scaleDownUtilizationThreshold: 0.4,
      scaleDownUnneededSeconds: 900,
      scaleDownDelayAfterAddSeconds: 120,
      scaleDownDelayAfterFailureSeconds: 60,
      okTotalUnreadyCount: 1,
      maxTotalUnreadyPercentage: 20,
      maxGracefulTerminationSeconds: 300,
      skipNodesWithLocalStorage: false,
    },
  });
  expect(scaleDownSettings(config)).toEqual({
    sampleIntervalSeconds: 30,
    sampleRetentionSeconds: 1800,
    defaults: {
      utilizationThreshold: 0.4,
      unneededSeconds: 900,
      delayAfterAddMs: 120_000,
      delayAfterFailureMs: 60_000,
      maxGracefulTerminationSeconds: 300,
      // Cluster Autoscaler's --skip-nodes-with-local-storage=false: local storage never blocks.
      skippedChecks: ['local_storage'],
    },
    clusterHealth: { okUnreadyCount: 1, maxUnreadyPercentage: 20 },
  });
});

test("with no configuration the defaults are Cluster Autoscaler's", () => {
  expect(scaleDownSettings(ConfigSchema.parse({}))).toMatchObject({
    sampleIntervalSeconds: 60,
    defaults: {
      utilizationThreshold: 0.5,
      unneededSeconds: 600,
      delayAfterAddMs: 600_000,
      maxGracefulTerminationSeconds: 600,
      skippedChecks: [],
    },
  });
});
