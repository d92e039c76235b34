// Smoke tests: each behaviour below comes from a real control-plane component, so none of them
// can pass against a mock. Scheduler: Unschedulable. Controller-manager: Deployment -> pods and
// PDB status. kwok: fake node Ready, bound pod Running. API server: eviction refused with 429.
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { createTestNamespace, eventually, fakeNode, kubeConfig } from '../support/cluster';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const policy = kc.makeApiClient(k8s.PolicyV1Api);

const suffix = () => randomBytes(3).toString('hex');
const createdNodes: string[] = [];

async function createFakeNode(labels: Record<string, string>): Promise<string> {
  const name = `smoke-node-${suffix()}`;
  await core.createNode({ body: fakeNode(name, { cpu: '4', memory: '8Gi' }, labels) });
  createdNodes.push(name);
  return name;
}

function deployment(
  name: string,
  replicas: number,
  selector: Record<string, string>,
): k8s.V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          nodeSelector: selector,
          containers: [
            {
              name: 'app',
              image: 'registry.local/app:1',
              resources: { requests: { cpu: '100m' } },
            },
          ],
        },
      },
    },
  };
}

async function runningPods(namespace: string, app: string, count: number): Promise<k8s.V1Pod[]> {
  return eventually(`${count} running pods of ${app}`, async () => {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
    const running = pods.items.filter((p) => p.status?.phase === 'Running' && p.spec?.nodeName);
    return running.length === count ? running : undefined;
  });
}

afterAll(async () => {
  for (const name of createdNodes) await core.deleteNode({ name }).catch(() => undefined);
});

test('the scheduler marks a pod that fits on no node Unschedulable', async () => {
  const namespace = await createTestNamespace(kc, 'smoke-sched');
  await createFakeNode({ pool: `sched-${suffix()}` });
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'too-big' },
      spec: {
        containers: [
          { name: 'app', image: 'registry.local/app:1', resources: { requests: { cpu: '1000' } } },
        ],
      },
    },
  });
  // The scheduler may first see no nodes at all; wait until it has judged our node too small.
  const condition = await eventually('PodScheduled=False for insufficient cpu', async () => {
    const pod = await core.readNamespacedPod({ name: 'too-big', namespace });
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    return scheduled?.message?.includes('Insufficient cpu') ? scheduled : undefined;
  });
  expect(condition.status).toBe('False');
  expect(condition.reason).toBe('Unschedulable');
  expect(condition.message).toMatch(/Insufficient cpu/);
});

test('a Deployment gets pods that run on a Ready kwok node', async () => {
  const namespace = await createTestNamespace(kc, 'smoke-deploy');
  const pool = { pool: `deploy-${suffix()}` };
  const nodeName = await createFakeNode(pool);
  const node = await eventually('kwok node Ready', async () => {
    const n = await core.readNode({ name: nodeName });
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.status === 'True' ? n : undefined;
  });
  expect(node.metadata?.name).toBe(nodeName);

  await apps.createNamespacedDeployment({ namespace, body: deployment('web', 3, pool) });
  const pods = await runningPods(namespace, 'web', 3);
  expect(pods.map((p) => p.spec?.nodeName)).toEqual([nodeName, nodeName, nodeName]);
  // The ReplicaSet that owns the pods was made by the controller-manager.
  expect(pods[0]!.metadata?.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
});

test('a PDB gets disruptionsAllowed computed and a violating eviction is refused with 429', async () => {
  const namespace = await createTestNamespace(kc, 'smoke-pdb');
  const pool = { pool: `pdb-${suffix()}` };
  await createFakeNode(pool);
  await apps.createNamespacedDeployment({ namespace, body: deployment('db', 2, pool) });
  const pods = await runningPods(namespace, 'db', 2);

  await policy.createNamespacedPodDisruptionBudget({
    namespace,
    body: {
      metadata: { name: 'db' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } },
    },
  });
  const status = await eventually('PDB status from the disruption controller', async () => {
    const pdb = await policy.readNamespacedPodDisruptionBudget({ name: 'db', namespace });
    return pdb.status?.currentHealthy === 2 && pdb.status.observedGeneration
      ? pdb.status
      : undefined;
  });
  expect(status.disruptionsAllowed).toBe(0);
  expect(status.expectedPods).toBe(2);

  const victim = pods[0]!.metadata!.name!;
  const eviction = core.createNamespacedPodEviction({
    name: victim,
    namespace,
    body: { metadata: { name: victim, namespace } },
  });
  await expect(eviction).rejects.toMatchObject({ code: 429 });
});
