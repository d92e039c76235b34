// Where the real components are: the manifest written by scripts/test/ensure-components.sh.
// Tests and the demo read it; when a component is missing they fail with the command that
// obtains it. Each accessor checks only what its caller needs.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const LOCAL_DIR = process.env.VPSIE_AUTOSCALER_LOCAL ?? join(REPO_ROOT, '.local');

interface Manifest {
  temporal: string;
  temporalVersion: string;
  kubernetesBinDir: string;
  kubernetesVersion: string;
  prometheusBinDir: string;
}

const HOW_TO_OBTAIN =
  'run `npm run components` (scripts/test/ensure-components.sh), which builds or installs ' +
  'the Temporal CLI, the Kubernetes control plane binaries, kwok, etcd and Prometheus';

function manifest(): Manifest {
  const file = join(LOCAL_DIR, 'components.json');
  if (!existsSync(file)) {
    throw new Error(`real components not found (${file} is missing): ${HOW_TO_OBTAIN}`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

function existing(name: string, path: string): string {
  if (!existsSync(path)) throw new Error(`${name} not found at ${path}: ${HOW_TO_OBTAIN}`);
  return path;
}

export type KubeBinary =
  'etcd' | 'kube-apiserver' | 'kube-scheduler' | 'kube-controller-manager' | 'kwok';

export const components = {
  temporalCli: () => existing('temporal CLI', manifest().temporal),
  kubeBinary: (name: KubeBinary) => existing(name, join(manifest().kubernetesBinDir, name)),
  kubernetesVersion: () => manifest().kubernetesVersion,
  promtool: () => existing('promtool', join(manifest().prometheusBinDir, 'promtool')),
  prometheus: () => existing('prometheus', join(manifest().prometheusBinDir, 'prometheus')),
};
