// The scale-up controller's settings, read from the one configuration (config.scaling).
import type { Config } from '../../config';
import type { ScaleUpSettings } from './controller';

const GIB = 1024 ** 3;

export function scaleUpSettings(config: Readonly<Config>): ScaleUpSettings {
  const s = config.scaling;
  return {
    scanIntervalSeconds: s.scanIntervalSeconds,
    batchIdleSeconds: s.batchIdleSeconds,
    batchMaxSeconds: s.batchMaxSeconds,
    newPodScaleUpDelaySeconds: s.newPodScaleUpDelaySeconds,
    expendablePodsPriorityCutoff: s.expendablePodsPriorityCutoff,
    expanders: [...s.expanders],
    ...(s.defaultDatacenterId ? { defaultDatacenterId: s.defaultDatacenterId } : {}),
    defaultOfferingIds: [...s.defaultOfferingIds],
    limits: {
      maxNodesTotal: s.maxNodesTotal,
      coresTotal: s.coresTotal,
      memoryTotalBytes: s.memoryTotalGib * GIB,
      maxNodesPerScaleUp: s.maxNodesPerScaleUp,
    },
  };
}
