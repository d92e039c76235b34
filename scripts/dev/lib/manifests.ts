// Applying YAML manifests the way `kubectl apply --server-side -f DIR` does: every document of
// every .yaml file in a folder (in file-name order), created or updated by server-side apply.
// The demo installs the CRDs (crds/) and its sample objects (deploy/examples/demo/) with it, and
// scripts/deploy/install.ts the whole of deploy/.
import * as k8s from '@kubernetes/client-node';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { waitUntil } from './processes';

// The owner of the fields these scripts apply (the demo and scripts/deploy/install.ts).
const FIELD_MANAGER = 'vpsie-autoscaler-scripts';

/** The objects in `dir`'s .yaml/.yml files, files in name order, documents in file order. */
export function readManifests(dir: string): k8s.KubernetesObject[] {
  const files = readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).flatMap((doc) => {
      if (doc.errors.length > 0) {
        throw new Error(`${join(dir, file)}: ${doc.errors.map((e) => e.message).join('; ')}`);
      }
      const obj = doc.toJS() as k8s.KubernetesObject | null;
      return obj ? [obj] : [];
    }),
  );
}

export function describeObject(obj: k8s.KubernetesObject): string {
  const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj.kind} ${ns}${obj.metadata?.name}`;
}

/** Server-side apply of each object, in order; fails naming the object that was refused. */
export async function applyManifests(
  kc: k8s.KubeConfig,
  objects: k8s.KubernetesObject[],
  options: { dryRun?: boolean } = {},
): Promise<void> {
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  for (const obj of objects) {
    try {
      await api.patch(
        obj,
        undefined,
        options.dryRun ? 'All' : undefined,
        FIELD_MANAGER,
        true,
        k8s.PatchStrategy.ServerSideApply,
      );
    } catch (err) {
      const body = (err as { body?: unknown }).body;
      const detail = typeof body === 'string' ? body : err instanceof Error ? err.message : err;
      throw new Error(`applying ${describeObject(obj)} failed: ${String(detail)}`);
    }
  }
}

/** Applies the CRDs in `dir` and waits until the API server serves each (Established). */
export async function installCrds(kc: k8s.KubeConfig, dir: string): Promise<string[]> {
  const crds = readManifests(dir).filter((obj) => obj.kind === 'CustomResourceDefinition');
  if (crds.length === 0) throw new Error(`no CustomResourceDefinition in ${dir}`);
  await applyManifests(kc, crds);
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const names = crds.map((crd) => crd.metadata!.name!);
  for (const name of names) {
    await waitUntil(`CRD ${name} Established`, 30_000, async () => {
      const crd = await api.readCustomResourceDefinition({ name });
      return (
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ??
        false
      );
    });
  }
  return names;
}
