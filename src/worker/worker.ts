// A Temporal worker running our workflows and the activities they call. Used by the worker
// process (main.ts), the demo and the integration tests, so all three run the same thing.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { ProvisioningActivities } from '../activities/provisioning/types';
import type { ControlActivities } from '../activities/scale-down/control-types';
import type { ScaleDownActivities } from '../activities/scale-down/types';

/** Every activity our workflows call. */
export type AutoscalerActivities = ProvisioningActivities & ScaleDownActivities & ControlActivities;

export interface AutoscalerWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: AutoscalerActivities;
  /** A pre-built bundle (production); otherwise the workflows are bundled at start (~1.5 s). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Graceful shutdown: how long running activities get to finish. */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

export async function createAutoscalerWorker(options: AutoscalerWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: workflowsPath() }),
    shutdownGraceTime: options.shutdownGraceTime ?? '30 seconds',
  });
}
