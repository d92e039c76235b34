// Everything a provisioning or scale-down test needs, real where it can be: the test control
// plane (with our CRDs), the VPSie simulator joining VMs to the cluster, and activities wired
// exactly as the worker wires them (only timings shortened).
import * as k8s from '@kubernetes/client-node';
import type { WorkflowClient } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { generateKeyPairSync } from 'node:crypto';
import { Registry } from 'prom-client';
import {
  createProvisioningActivities,
  type ProvisioningDeps,
} from '../../src/activities/provisioning';
import { createScaleDownActivities, type ScaleDownDeps } from '../../src/activities/scale-down';
import type { ScaleDownDefaults } from '../../src/disruption/scale-down-policy';
import { API_VERSION, GROUP, VERSION } from '../../src/apis/v1alpha1';
import { createAutoscalerWorker, type AutoscalerActivities } from '../../src/worker/worker';
import { createKubeClients } from '../../src/kube/clients';
import { clusterJoinInfo } from '../../src/kube/cluster-info';
import { silentLogger } from '../../src/logging/logger';
import { createMetrics } from '../../src/metrics/recorders';
import {
  DEFAULT_SIMULATOR_TOKEN,
  startVpsieSimulator,
  type VpsieSimulator,
} from '../../src/simulator';
import {
  SIM_DATACENTERS,
  SIM_OS_IMAGES,
  SIM_PLANS,
  SIM_SSH_KEYS,
} from '../../src/simulator/catalogue';
import { VpsieClient } from '../../src/vpsie';
import type { AutoscalerSettings } from '../../scripts/dev/lib/autoscaler-processes';
import { testCluster } from './cluster';

export interface AutoscalerEnv {
  sim: VpsieSimulator;
  deps: ProvisioningDeps;
  registry: Registry;
}

export async function startAutoscalerEnv(
  options: { provisioningDelayMs?: number } = {},
): Promise<AutoscalerEnv> {
  const cluster = testCluster();
  const sim = await startVpsieSimulator({
    provisioningDelayMs: options.provisioningDelayMs ?? 500,
    cluster: { kubeconfigPath: cluster.kubeconfig },
  });
  const kube = createKubeClients(cluster.kubeconfig);
  const registry = new Registry();
  const metrics = createMetrics(registry, { processMetrics: false });
  const deps: ProvisioningDeps = {
    kube,
    vpsie: new VpsieClient({
      credentials: { kind: 'token', token: DEFAULT_SIMULATOR_TOKEN },
      baseUrl: sim.url,
      retry: { baseDelayMs: 10, maxDelayMs: 100 },
    }),
    metrics,
    logger: silentLogger,
    cluster: clusterJoinInfo(kube.kubeConfig),
    defaultSshKeyIds: [SIM_SSH_KEYS.ops],
    bootstrapTokenTtlSeconds: 900,
    pollIntervalMs: 200,
    backoff: { baseSeconds: 300, maxSeconds: 1800, resetSeconds: 10_800 },
  };
  return { sim, deps, registry };
}

/** Cluster Autoscaler's defaults, without the cooldowns that would make tests wait. */
export const TEST_SCALE_DOWN_DEFAULTS: ScaleDownDefaults = {
  utilizationThreshold: 0.5,
  unneededSeconds: 600,
  delayAfterAddMs: 0,
  delayAfterFailureMs: 0,
  maxGracefulTerminationSeconds: 600,
  skippedChecks: [],
};

/** Every activity, as src/worker/dependencies.ts builds them, with test timings. */
export function activitiesOf(
  env: AutoscalerEnv,
  workflows: WorkflowClient,
  overrides: Partial<Omit<ScaleDownDeps, keyof ProvisioningDeps>> = {},
): AutoscalerActivities {
  const scaleDown: ScaleDownDeps = {
    ...env.deps,
    workflows,
    evictionRetryMs: 500,
    pauseCheckIntervalMs: 300,
    policyDefaults: TEST_SCALE_DOWN_DEFAULTS,
    clusterHealth: {},
    ...overrides,
  };
  return { ...createProvisioningActivities(env.deps), ...createScaleDownActivities(scaleDown) };
}

export function opensshEd25519(comment: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  const parts = [Buffer.from('ssh-ed25519'), raw];
  const blob = Buffer.concat(
    parts.flatMap((p) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(p.length, 0);
      return [len, p];
    }),
  );
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

export const customObjects = (kc: k8s.KubeConfig) => kc.makeApiClient(k8s.CustomObjectsApi);

export async function createNodeGroup(
  kc: k8s.KubeConfig,
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
): Promise<void> {
  await customObjects(kc).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'nodegroups',
    body: {
      apiVersion: API_VERSION,
      kind: 'NodeGroup',
      metadata: { name, namespace },
      spec: {
        minNodes: 0,
        maxNodes: 5,
        datacenterID: SIM_DATACENTERS.frankfurt,
        offeringIDs: [SIM_PLANS.small],
        osImageID: SIM_OS_IMAGES.ubuntu2204,
        kubernetesVersion: 'v1.34.4',
        project: 'autoscaler-test',
        ...spec,
      },
    },
  });
}

export async function createVpsieNode(
  kc: k8s.KubeConfig,
  namespace: string,
  name: string,
  nodeGroupName: string,
): Promise<void> {
  await customObjects(kc).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'vpsienodes',
    body: {
      apiVersion: API_VERSION,
      kind: 'VPSieNode',
      metadata: { name, namespace },
      spec: {
        nodeGroupName,
        datacenterID: SIM_DATACENTERS.frankfurt,
        instanceType: SIM_PLANS.small,
      },
    },
  });
}

async function readObject(kc: k8s.KubeConfig, namespace: string, plural: string, name: string) {
  return (await customObjects(kc).getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural,
    name,
  })) as { spec?: Record<string, unknown>; status?: Record<string, unknown> };
}

export async function readStatus(
  kc: k8s.KubeConfig,
  namespace: string,
  plural: string,
  name: string,
) {
  return (await readObject(kc, namespace, plural, name)).status ?? {};
}

export async function readSpec(
  kc: k8s.KubeConfig,
  namespace: string,
  plural: string,
  name: string,
) {
  return (await readObject(kc, namespace, plural, name)).spec ?? {};
}

/** An in-process worker with every activity, polling `taskQueue`; `stop()` shuts it down. */
export async function startTestWorker(
  temporal: TestWorkflowEnvironment,
  env: AutoscalerEnv,
  taskQueue: string,
): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const worker = await createAutoscalerWorker({
    connection: temporal.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: activitiesOf(env, temporal.client.workflow),
  });
  const running = worker.run();
  return {
    worker,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/** What a worker process (test/support/worker-process.ts) needs to join this environment. */
export function workerProcessEnv(
  temporal: TestWorkflowEnvironment,
  env: AutoscalerEnv,
  taskQueue: string,
): AutoscalerSettings {
  return {
    temporalAddress: temporal.address,
    taskQueue,
    kubeconfig: testCluster().kubeconfig,
    vpsieBaseUrl: env.sim.url,
    vpsieToken: DEFAULT_SIMULATOR_TOKEN,
    env: { VPSIE_AUTOSCALER_DEFAULT_SSH_KEY_IDS: SIM_SSH_KEYS.ops },
  };
}
