// The worker as operators run it: a separate process (src/worker/main.ts) configured only
// through VPSIE_AUTOSCALER_* variables, so tests can kill it with SIGKILL mid-operation.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/worker/ports';
import { REPO_ROOT } from '../../scripts/dev/lib/components';

export interface WorkerProcess {
  child: ChildProcess;
  metricsUrl: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const metricsPort = await freeLoopbackPort();
  const healthPort = await freeLoopbackPort();
  let output = '';
  // Node itself with tsx's loader, not the `tsx` wrapper: the wrapper runs the program in a
  // child process, so SIGKILL would kill only the wrapper and leave the worker running.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src/worker/main.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        VPSIE_AUTOSCALER_METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`,
        VPSIE_AUTOSCALER_HEALTH_BIND_ADDRESS: `127.0.0.1:${healthPort}`,
        VPSIE_AUTOSCALER_LOGGING_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    output: () => output,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}
