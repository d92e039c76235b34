// Prometheus from the Debian package, started by us on 127.0.0.1 (never the packaged daemon),
// scraping the targets we name and loading our alert rules when given.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_DIR, components } from './components';
import { freePort, startService, stopService, waitUntil } from './processes';

export interface PrometheusState {
  url: string;
  configFile: string;
  logFile: string;
}

const dir = (name: string) => join(LOCAL_DIR, 'prometheus', name);

/** A host:port to scrape, with labels put on its series (e.g. `{component: 'worker'}`). */
export interface ScrapeTarget {
  address: string;
  labels?: Record<string, string>;
}

export interface PrometheusOptions {
  /** Targets to scrape, e.g. the controller's and worker's /metrics. */
  targets: Array<string | ScrapeTarget>;
  ruleFiles?: string[];
  scrapeIntervalSeconds?: number;
}

export async function startPrometheus(
  name: string,
  options: PrometheusOptions,
): Promise<PrometheusState> {
  await stopPrometheus(name);
  mkdirSync(dir(name), { recursive: true });
  const port = await freePort();
  const interval = `${options.scrapeIntervalSeconds ?? 5}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: [
      {
        job_name: 'vpsie-autoscaler',
        // One static config per target, so each carries its own labels.
        static_configs: options.targets.map((target) =>
          typeof target === 'string'
            ? { targets: [target] }
            : { targets: [target.address], labels: target.labels ?? {} },
        ),
      },
    ],
  };
  const state: PrometheusState = {
    url: `http://127.0.0.1:${port}`,
    // JSON is valid YAML: no YAML writer needed for a config we generate.
    configFile: join(dir(name), 'prometheus.yml'),
    logFile: join(dir(name), 'prometheus.log'),
  };
  writeFileSync(state.configFile, JSON.stringify(config, null, 2));
  startService({
    name: 'prometheus',
    command: components.prometheus(),
    args: [
      `--config.file=${state.configFile}`,
      `--storage.tsdb.path=${join(dir(name), 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    logFile: state.logFile,
    pidFile: join(dir(name), 'prometheus.pid'),
  });
  await waitUntil(
    'Prometheus',
    60_000,
    () => fetch(`${state.url}/-/ready`).then((r) => r.ok),
    state.logFile,
  );
  return state;
}

export async function stopPrometheus(name: string): Promise<void> {
  await stopService(join(dir(name), 'prometheus.pid'));
  rmSync(join(dir(name), 'data'), { recursive: true, force: true });
}
