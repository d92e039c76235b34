// Helpers for tests against the real control plane started by cluster-global-setup.
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readClusterState, type ClusterState } from '../../scripts/dev/lib/local-cluster';

// Overridable so two test runs on one machine (e.g. parallel work trees) do not share a cluster.
export const TEST_CLUSTER = process.env.VPSIE_TEST_CLUSTER ?? 'test';

export function testCluster(): ClusterState {
  const state = readClusterState(TEST_CLUSTER);
  if (!state) {
    throw new Error(
      `test cluster is not running: run the cluster tier through jest (npm run test:cluster), ` +
        `whose globalSetup starts it`,
    );
  }
  return state;
}

export function kubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(testCluster().kubeconfig);
  return kc;
}

/** Poll until `check` returns a value (not undefined); fail with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** A fresh namespace whose default ServiceAccount exists (pods are admitted only then). */
export async function createTestNamespace(kc: k8s.KubeConfig, prefix: string): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name } } });
  await eventually(`default ServiceAccount in ${name}`, async () => {
    await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
    return true;
  });
  return name;
}

/** A kwok-managed fake node: kwok keeps it Ready and runs the pods bound to it. */
export function fakeNode(
  name: string,
  capacity: { cpu: string; memory: string; pods?: string },
  labels: Record<string, string> = {},
): k8s.V1Node {
  const resources = { cpu: capacity.cpu, memory: capacity.memory, pods: capacity.pods ?? '110' };
  return {
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
      labels: { 'kubernetes.io/hostname': name, type: 'kwok', ...labels },
    },
    spec: {},
    status: { capacity: resources, allocatable: resources },
  };
}

/** Creates `body` (a fakeNode) and waits until kwok reports it Ready. */
export async function createReadyNode(kc: k8s.KubeConfig, body: k8s.V1Node): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = body.metadata!.name!;
  await core.createNode({ body });
  await eventually(`node ${name} Ready`, async () => {
    const node = await core.readNode({ name });
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
      ? true
      : undefined;
  });
  return name;
}
