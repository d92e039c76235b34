// Recorders for the Temporal side of the worker. Workflow code cannot touch prom-client (it
// runs in a deterministic sandbox), so retries are counted from activity attempts instead.
import type { MetricInstruments } from './definitions';
import { labelValue } from './metric-input-error';

export function workflowRecorders(m: MetricInstruments) {
  return {
    /** An activity started an attempt after the first: call when `info.attempt > 1`. */
    recordActivityRetry(input: { workflow: string; activity: string }): void {
      m.workflowActivityRetries.inc({
        workflow: labelValue('workflow', input.workflow),
        activity: labelValue('activity', input.activity),
      });
    },
  };
}
