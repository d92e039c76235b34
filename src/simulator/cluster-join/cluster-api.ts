// The few Kubernetes calls the simulated VMs make, behind an interface so the joiner's
// sequencing (retries, adoption) can be tested without a cluster, and its one implementation
// over @kubernetes/client-node, built from a kubeconfig. The kubeconfig also tells us where the
// API server is (the endpoint a VM must name) and which CA it presents (what pins must match).

import { readFileSync } from 'node:fs';
import {
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
  type V1NodeStatus,
  type V1Secret,
} from '@kubernetes/client-node';

export interface ClusterApi {
  readBootstrapTokenSecret(name: string): Promise<V1Secret | undefined>;
  readNode(name: string): Promise<V1Node | undefined>;
  /** 'exists' when a Node of that name is already there (HTTP 409). */
  createNode(node: V1Node): Promise<'created' | 'exists'>;
  /** JSON merge patch of the Node (metadata, spec); `null` removes a key. */
  patchNode(name: string, patch: object): Promise<void>;
  /** Strategic merge patch of the Node's status (conditions and addresses merge by type). */
  patchNodeStatus(name: string, status: V1NodeStatus): Promise<void>;
}

export interface ClusterConnection {
  api: ClusterApi;
  /** host:port of the API server as the kubeconfig names it. */
  endpoint: string;
  /** PEM of the CA that signed the API server's certificate. */
  caPem: string;
}

export function connectToCluster(options: {
  kubeconfigPath: string;
  caFile?: string;
}): ClusterConnection {
  const kc = new KubeConfig();
  kc.loadFromFile(options.kubeconfigPath);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${options.kubeconfigPath} has no current cluster`);
  const server = new URL(cluster.server);
  const port = server.port || (server.protocol === 'http:' ? '80' : '443');
  return {
    api: kubernetesClusterApi(kc.makeApiClient(CoreV1Api)),
    endpoint: `${server.hostname}:${port}`,
    caPem: clusterCa(options, cluster),
  };
}

function clusterCa(
  options: { kubeconfigPath: string; caFile?: string },
  cluster: { caData?: string; caFile?: string },
): string {
  if (options.caFile) return readFileSync(options.caFile, 'utf8');
  if (cluster.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
  if (cluster.caFile) return readFileSync(cluster.caFile, 'utf8');
  throw new Error(
    `${options.kubeconfigPath} names no certificate authority for its cluster: CA pins cannot ` +
      'be checked (pass the CA file)',
  );
}

export function kubernetesClusterApi(core: CoreV1Api): ClusterApi {
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
  return {
    readBootstrapTokenSecret: (name) =>
      orUndefinedIfMissing(core.readNamespacedSecret({ name, namespace: 'kube-system' })),
    readNode: (name) => orUndefinedIfMissing(core.readNode({ name })),
    createNode: async (body) => {
      try {
        await core.createNode({ body });
        return 'created';
      } catch (error) {
        if (statusCode(error) === 409) return 'exists';
        throw error;
      }
    },
    patchNode: async (name, body) => void (await core.patchNode({ name, body }, merge)),
    patchNodeStatus: async (name, status) =>
      void (await core.patchNodeStatus({ name, body: { status } }, strategic)),
  };
}

async function orUndefinedIfMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

/** The HTTP status of a failed API call; undefined when no answer came (a transport error). */
export function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's message for a failed call (its Status body), else the error's first line. */
export function apiErrorMessage(error: unknown): string {
  const body = (error as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: unknown };
      if (typeof status.message === 'string') return status.message;
    } catch {
      // not JSON: fall through to the error's own message
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
