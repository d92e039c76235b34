// The worker as operators run it: a separate process (src/worker/main.ts), started the way the
// demo starts it (scripts/dev/lib/autoscaler-processes.ts) and configured only through
// VPSIE_AUTOSCALER_* variables, so tests can kill it with SIGKILL mid-operation.
import { randomBytes } from 'node:crypto';
import {
  startAutoscalerProcess,
  type AutoscalerSettings,
} from '../../scripts/dev/lib/autoscaler-processes';
import { isRunning, sleep } from '../../scripts/dev/lib/processes';

export interface WorkerProcess {
  metricsUrl: string;
  logFile: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startWorkerProcess(settings: AutoscalerSettings): Promise<WorkerProcess> {
  // A name per start: each process gets its own log and pid file under .local/autoscaler/.
  const name = `test-${randomBytes(4).toString('hex')}`;
  const proc = await startAutoscalerProcess(name, 'worker', {
    ...settings,
    env: { VPSIE_AUTOSCALER_LOGGING_LEVEL: 'warn', ...settings.env },
  });
  return {
    metricsUrl: proc.metricsUrl,
    logFile: proc.logFile,
    kill: async (signal = 'SIGKILL') => {
      if (isRunning(proc.pid)) process.kill(proc.pid, signal);
      while (isRunning(proc.pid)) await sleep(50);
    },
  };
}
