// Node utilisation for scale-down: samples from Kubernetes data, a bounded per-node store, and
// allocation-free window statistics. Pure: no I/O, no clocks (callers pass the time in).

export { InvalidSampleError, SampleInputError } from './errors';
export type {
  ContainerShape,
  NodeMetricsShape,
  OwnerReferenceShape,
  PodShape,
  ResourceList,
} from './kubernetes-shapes';
export { NodeSampleStore, sampleCapacity, type NodeNameSet } from './node-samples';
export { isDaemonSetPod, isLongTerminating, isMirrorPod, isTerminal } from './pod-kinds';
export { podRequest, type SampledResource } from './pod-requests';
export { requestsSample, type RequestsSampleOptions } from './requests-sample';
export { SampleRing } from './ring-buffer';
export {
  CPU_FIELD,
  MEMORY_FIELD,
  SAMPLE_FIELDS,
  TIMESTAMP_FIELD,
  type SampleSeries,
  type UtilizationSample,
} from './sample';
export { usageSample } from './usage-sample';
export {
  AVERAGE_CPU,
  AVERAGE_MAX,
  AVERAGE_MEMORY,
  belowThresholdSince,
  isUnneeded,
  unneededRule,
  utilizationAt,
  windowAverage,
  windowAveragesInto,
  windowFractionBelow,
  windowSampleCount,
  type UnneededRule,
  type UnneededRuleOptions,
  type UtilizationResource,
} from './window-stats';
