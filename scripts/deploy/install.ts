// Installs the autoscaler into the cluster of a kubeconfig, as `kubectl apply --server-side` of
// crds/, then deploy/kubernetes/ (which includes deploy/rbac/): CRDs first (and Established), then
// the Namespace, then everything else. `--dry-run` asks the API server to validate every object
// without persisting it (the namespace must exist for that). The VPSie credentials Secret is not
// created here: see docs/operations/deployment.md.
//
//   npx tsx scripts/deploy/install.ts [--kubeconfig PATH] [--dry-run]
import * as k8s from '@kubernetes/client-node';
import { join } from 'node:path';
import { REPO_ROOT } from '../dev/lib/components';
import { applyManifests, describeObject, installCrds, readManifests } from '../dev/lib/manifests';

/** deploy/rbac/ and deploy/kubernetes/, without kustomize's own files, Namespaces first. */
export function deploymentObjects(): k8s.KubernetesObject[] {
  const objects = ['rbac', 'kubernetes']
    .flatMap((dir) => readManifests(join(REPO_ROOT, 'deploy', dir)))
    .filter((obj) => obj.kind !== 'Kustomization');
  const first = (obj: k8s.KubernetesObject) => (obj.kind === 'Namespace' ? 0 : 1);
  return [...objects].sort((a, b) => first(a) - first(b));
}

export async function install(
  kc: k8s.KubeConfig,
  options: { dryRun?: boolean; log?: (line: string) => void } = {},
): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  if (!options.dryRun) {
    const crds = await installCrds(kc, join(REPO_ROOT, 'crds'));
    log(`CRDs established: ${crds.join(', ')}`);
  }
  const objects = deploymentObjects();
  await applyManifests(kc, objects, { dryRun: options.dryRun });
  const applied = objects.map(describeObject);
  for (const line of applied) log(`${options.dryRun ? 'validated' : 'applied'} ${line}`);
  return applied;
}

const USAGE = 'usage: npx tsx scripts/deploy/install.ts [--kubeconfig PATH] [--dry-run]\n';

/** Flags only; anything else (including --help) stops before touching a cluster. */
function parseArgs(args: string[]): { kubeconfig?: string; dryRun: boolean } {
  const parsed: { kubeconfig?: string; dryRun: boolean } = { dryRun: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--dry-run') parsed.dryRun = true;
    else if (arg === '--kubeconfig' && args[i + 1]) parsed.kubeconfig = args[++i];
    else throw new Error(arg === '--help' || arg === '-h' ? '' : `unknown argument "${arg}"`);
  }
  return parsed;
}

if (require.main === module) {
  let args: { kubeconfig?: string; dryRun: boolean };
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(message ? `${message}\n${USAGE}` : USAGE);
    process.exit(message ? 2 : 0);
  }
  const kc = new k8s.KubeConfig();
  if (args.kubeconfig) kc.loadFromFile(args.kubeconfig);
  else kc.loadFromDefault();
  install(kc, { dryRun: args.dryRun, log: (line) => console.log(line) }).catch((err: unknown) => {
    console.error(`install failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
