// A real Temporal dev server per test file: the CLI obtained by `npm run components`, started by
// the SDK's own test environment (existing-path: the SDK's download would fail offline).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowsPath } from '../../src/worker/worker';
import { SearchAttributes } from '../../src/temporal/search-attributes';
import { components } from '../../scripts/dev/lib/components';

let runtimeInstalled = false;

export async function createTemporalEnv(): Promise<TestWorkflowEnvironment> {
  // Worker state changes at INFO drown test output; warnings and errors still show.
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const temporal = components.temporalCli();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporal },
      ip: '127.0.0.1',
      searchAttributes: Object.values(SearchAttributes),
      extraArgs: ['--headless', '--log-level', 'warn'],
    },
  });
}

/** A worker running our workflow bundle with the given activities; `stop()` shuts it down. */
export async function startWorkflowWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  activities: object,
): Promise<{ stop(): Promise<void> }> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: workflowsPath(),
    activities,
  });
  const running = worker.run();
  return {
    stop: async () => {
      worker.shutdown();
      await running;
    },
  };
}
