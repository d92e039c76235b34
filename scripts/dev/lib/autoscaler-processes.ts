// The autoscaler's own processes for local runs: the worker (src/worker/main.ts) and the
// controller (src/controller/main.ts), each a separate node process running the TypeScript
// through tsx's loader, configured only through VPSIE_AUTOSCALER_* variables as operators do,
// with metrics and health on free loopback ports, output in a log file and a pid file.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOCAL_DIR, REPO_ROOT } from './components';
import { freePort, startService, stopService, waitUntil } from './processes';

export type AutoscalerComponent = 'worker' | 'controller';

export interface AutoscalerSettings {
  temporalAddress: string;
  taskQueue: string;
  kubeconfig: string;
  vpsieBaseUrl: string;
  vpsieToken: string;
  /** Further VPSIE_AUTOSCALER_* settings (override the ones above). */
  env?: Record<string, string>;
}

export interface AutoscalerProcess {
  component: AutoscalerComponent;
  pid: number;
  /** host:port of /metrics, for Prometheus. */
  metricsAddress: string;
  metricsUrl: string;
  healthUrl: string;
  logFile: string;
}

const ENV_PREFIX = 'VPSIE_AUTOSCALER_';
const dir = (name: string) => join(LOCAL_DIR, 'autoscaler', name);
const pidFile = (name: string, component: AutoscalerComponent) =>
  join(dir(name), `${component}.pid`);

/** Our settings, and every VPSIE_AUTOSCALER_* variable of this shell unset: the processes
 * refuse unknown ones (VPSIE_AUTOSCALER_LOCAL, _CACHE are the scripts', not theirs). */
function childEnv(settings: AutoscalerSettings, metrics: string, health: string) {
  const env: NodeJS.ProcessEnv = {};
  for (const name of Object.keys(process.env)) {
    if (name.startsWith(ENV_PREFIX)) env[name] = undefined;
  }
  return Object.assign(env, {
    VPSIE_AUTOSCALER_TEMPORAL_ADDRESS: settings.temporalAddress,
    VPSIE_AUTOSCALER_TEMPORAL_TASK_QUEUE: settings.taskQueue,
    VPSIE_AUTOSCALER_CONTROLLER_KUBECONFIG: settings.kubeconfig,
    VPSIE_AUTOSCALER_VPSIE_BASE_URL: settings.vpsieBaseUrl,
    VPSIE_AUTOSCALER_VPSIE_TOKEN: settings.vpsieToken,
    VPSIE_AUTOSCALER_METRICS_BIND_ADDRESS: metrics,
    VPSIE_AUTOSCALER_HEALTH_BIND_ADDRESS: health,
    VPSIE_AUTOSCALER_LOGGING_FORMAT: 'text',
    ...settings.env,
  });
}

/** Starts one component (stopping a leftover of an earlier run first); does not wait for it. */
export async function startAutoscalerProcess(
  name: string,
  component: AutoscalerComponent,
  settings: AutoscalerSettings,
): Promise<AutoscalerProcess> {
  await stopAutoscalerProcess(name, component);
  mkdirSync(dir(name), { recursive: true });
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const healthAddress = `127.0.0.1:${await freePort()}`;
  const logFile = join(dir(name), `${component}.log`);
  rmSync(logFile, { force: true });
  const loader = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const pid = startService({
    name: component,
    // One process (not the tsx CLI, which forks a child): signals reach the component itself.
    command: process.execPath,
    args: ['--import', loader, join(REPO_ROOT, 'src', component, 'main.ts')],
    cwd: REPO_ROOT,
    env: childEnv(settings, metricsAddress, healthAddress),
    logFile,
    pidFile: pidFile(name, component),
  });
  return {
    component,
    pid,
    metricsAddress,
    metricsUrl: `http://${metricsAddress}/metrics`,
    healthUrl: `http://${healthAddress}`,
    logFile,
  };
}

/** SIGTERM (graceful shutdown: the worker lets running activities finish), SIGKILL after 40 s. */
export async function stopAutoscalerProcess(
  name: string,
  component: AutoscalerComponent,
): Promise<void> {
  await stopService(pidFile(name, component), 40_000);
}

/** Polls `check` until true; fails at once, with the end of its log, if the process exits. */
export function waitForProcess(
  proc: AutoscalerProcess,
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  return waitUntil(`the ${proc.component}: ${what}`, timeoutMs, check, proc.logFile, proc.pid);
}

export const httpOk = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );
