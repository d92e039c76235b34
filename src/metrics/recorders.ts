// The metrics API the rest of the code uses: `const metrics = createMetrics(registry)`, then
// typed recorders such as `metrics.recordScaleDownBlocked({ nodeGroup, namespace, reason })`.
// Recorders validate every argument first and throw MetricInputError on invalid input, in which
// case nothing is recorded; free-form names are sanitised (see sanitize-label.ts).
import type { Registry } from 'prom-client';
import { controllerRecorders } from './controller-recorders';
import { registerMetricFamilies } from './definitions';
import { nodeGroupRecorders } from './node-group-recorders';
import { registerProcessMetrics } from './process-metrics';
import { scaleDownRecorders } from './scale-down-recorders';
import { scalingRecorders } from './scaling-recorders';
import { vpsieApiRecorders } from './vpsie-api-recorders';
import { workflowRecorders } from './workflow-recorders';

export interface MetricsOptions {
  /** Also register Node's process_* and nodejs_* metrics (default true; see process-metrics.ts). */
  processMetrics?: boolean;
  /** Clock in milliseconds since the epoch, for the last-reconcile timestamp (tests inject it). */
  now?: () => number;
}

export function createMetrics(registry: Registry, options: MetricsOptions = {}) {
  const instruments = registerMetricFamilies(registry);
  if (options.processMetrics ?? true) registerProcessMetrics(registry);
  return {
    registry,
    ...scaleDownRecorders(instruments),
    ...scalingRecorders(instruments),
    ...nodeGroupRecorders(instruments, options.now ?? Date.now),
    ...controllerRecorders(instruments),
    ...vpsieApiRecorders(instruments),
    ...workflowRecorders(instruments),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
