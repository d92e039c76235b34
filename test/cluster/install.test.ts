// scripts/deploy/install.ts against the real API server: every object of deploy/ is accepted
// (server-side dry run, after the real Namespace), and a refused object is named in the error.
import { applyManifests } from '../../scripts/dev/lib/manifests';
import { deploymentObjects, install } from '../../scripts/deploy/install';
import { kubeConfig } from '../support/cluster';
import { installCrds } from '../support/crds';

const kc = kubeConfig();

test('the shipped manifests install: Namespace first, then RBAC and the Deployments', async () => {
  await installCrds(kc);
  const objects = deploymentObjects();
  expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'vpsie-autoscaler' } });
  // Namespaced objects can be validated only inside an existing namespace.
  await applyManifests(kc, [objects[0]!]);
  const validated = await install(kc, { dryRun: true });
  expect(validated).toEqual(
    expect.arrayContaining([
      'Deployment vpsie-autoscaler/vpsie-autoscaler-controller',
      'Deployment vpsie-autoscaler/vpsie-autoscaler-worker',
      'ConfigMap vpsie-autoscaler/vpsie-autoscaler-config',
    ]),
  );
  expect(validated.some((line) => line.startsWith('ClusterRole '))).toBe(true);
  expect(validated).not.toContain(expect.stringMatching(/^Kustomization/));
});

test('an object the API server refuses is named in the error', async () => {
  const broken = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'broken', namespace: 'vpsie-autoscaler' },
    spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: {} } } },
  };
  await expect(applyManifests(kc, [broken], { dryRun: true })).rejects.toThrow(
    /applying Deployment vpsie-autoscaler\/broken failed/,
  );
});
