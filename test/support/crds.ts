// Installs our CRDs (generated from the zod schemas) into the test cluster and waits until the
// API server serves them. Create-or-replace: several test files share one cluster.
import * as k8s from '@kubernetes/client-node';
import { buildCrds } from '../../src/apis/crds';
import { isConflict } from '../../src/kube/clients';
import { eventually } from './cluster';

export async function installCrds(kc: k8s.KubeConfig): Promise<void> {
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  for (const crd of buildCrds()) {
    const body = crd as unknown as k8s.V1CustomResourceDefinition;
    const name = crd.metadata.name;
    try {
      await api.createCustomResourceDefinition({ body });
    } catch (err) {
      if (!isConflict(err)) throw err;
      const current = await api.readCustomResourceDefinition({ name });
      await api.replaceCustomResourceDefinition({
        name,
        body: {
          ...body,
          metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion },
        },
      });
    }
    await eventually(`CRD ${name} Established`, async () => {
      const current = await api.readCustomResourceDefinition({ name });
      const established = current.status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      );
      return established ? true : undefined;
    });
  }
}
