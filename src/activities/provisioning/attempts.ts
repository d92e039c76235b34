// The workflow retries steps itself and passes the attempt number; counting retries here keeps
// prom-client out of workflow code.
import type { ProvisioningDeps } from './deps';

export function noteAttempt(deps: ProvisioningDeps, activity: string, attempt: number): void {
  if (attempt > 1) deps.metrics.recordActivityRetry({ workflow: 'provisionNode', activity });
}
