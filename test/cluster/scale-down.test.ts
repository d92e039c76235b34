// Scale-down on real components: Temporal dev server, the control plane (scheduler,
// controller-manager computing PDB status, the Eviction API, kwok), and the VPSie simulator whose
// VMs joined the cluster. Safety blocks end the workflow BLOCKED with their reason; a node whose
// pods fit elsewhere is drained, its VM deleted and its Node gone; `kubectl delete node` takes
// the same path through our finalizer. Metrics are read from the worker's /metrics endpoint.
import * as k8s from '@kubernetes/client-node';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { FINALIZERS } from '../../src/apis/v1alpha1';
import { RemovalController } from '../../src/controller/removal-controller';
import { isNotFound } from '../../src/kube/clients';
import { silentLogger } from '../../src/logging/logger';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/http';
import { scaleDownStatusQuery, scaleDownWorkflowId } from '../../src/workflows/scale-down-node';
import {
  customObjects,
  startAutoscalerEnv,
  startTestWorker,
  type AutoscalerEnv,
} from '../support/autoscaler-env';
import { createTestNamespace, eventually, kubeConfig } from '../support/cluster';
import { installCrds } from '../support/crds';
import { saveHistory } from '../support/histories';
import {
  createGroupWorkload,
  createPdb,
  createScaleDownGroup,
  podsOfApp,
  provisionGroupNode,
  sampleValue,
  scaleDownInput,
  startScaleDown,
  type TestGroup,
} from '../support/scale-down';
import { createTemporalEnv } from '../support/temporal';
import { GROUP, VERSION } from '../../src/apis/v1alpha1';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const taskQueue = `scale-down-${randomBytes(3).toString('hex')}`;
let temporal: TestWorkflowEnvironment;
let env: AutoscalerEnv;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let metricsServer: MetricsServer;
let namespace: string;

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'scaledown');
  temporal = await createTemporalEnv();
  env = await startAutoscalerEnv();
  worker = await startTestWorker(temporal, env, taskQueue);
  metricsServer = await startMetricsServer({
    registry: env.registry,
    bindAddress: '127.0.0.1:0',
  });
});

afterAll(async () => {
  await worker?.stop();
  await metricsServer?.close();
  await env?.sim.close();
  await temporal?.teardown();
});

const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;
const scrape = async () => (await fetch(metricsServer.url)).text();

async function nodeGone(name: string): Promise<boolean> {
  try {
    await core.readNode({ name });
    return false;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

async function vpsieNodeGone(name: string): Promise<boolean> {
  try {
    await customObjects(kc).getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'vpsienodes',
      name,
    });
    return false;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

/** Pods of `app` pinned to `node` (spec.nodeName), all Running. */
async function pinnedWorkload(
  group: TestGroup,
  app: string,
  node: string,
  extra: Parameters<typeof createGroupWorkload>[3] = { replicas: 1 },
) {
  await createGroupWorkload(kc, group, app, {
    ...extra,
    podSpec: { ...extra.podSpec, nodeName: node },
  });
  await eventually(`${app} running on ${node}`, async () => {
    const pods = await podsOfApp(kc, namespace, app);
    const running = pods.filter((p) => p.status?.phase === 'Running');
    return running.length === extra.replicas ? true : undefined;
  });
}

test('TestMetrics_Registration: the four scale-down families are exported by the worker', async () => {
  const text = await scrape();
  expect(text).toMatch(/^# TYPE vpsie_autoscaler_scale_down_blocked_total counter$/m);
  expect(text).toMatch(/^# TYPE vpsie_autoscaler_safety_check_failures_total counter$/m);
  expect(text).toMatch(/^# TYPE vpsie_autoscaler_node_drain_duration_seconds histogram$/m);
  expect(text).toMatch(/^# TYPE vpsie_autoscaler_node_drain_pods_evicted histogram$/m);
});

test('a PDB with no allowed disruption, a local-storage pod and a safe-to-evict=false pod each block (TestMetrics_ScaleDownBlocked, _SafetyCheckFailures)', async () => {
  const group = await createScaleDownGroup(kc, namespace, unique('blocked'));
  const [withPdb, withLocal, withAnnotation, spare] = ['pdb', 'local', 'annot', 'spare'].map(
    (suffix) => `${group.name}-${suffix}`,
  ) as [string, string, string, string];
  await Promise.all(
    [withPdb, withLocal, withAnnotation, spare].map((n) =>
      provisionGroupNode(kc, temporal.client.workflow, taskQueue, group, n),
    ),
  );

  const guarded = unique('guarded');
  await pinnedWorkload(group, guarded, withPdb, { replicas: 2 });
  await createPdb(kc, namespace, guarded, { maxUnavailable: 0 });
  await pinnedWorkload(group, unique('scratch'), withLocal, {
    replicas: 1,
    podSpec: {
      volumes: [{ name: 'scratch', emptyDir: {} }],
      containers: [
        {
          name: 'app',
          image: 'registry.example/app:1',
          volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
        },
      ],
    },
  });
  await pinnedWorkload(group, unique('precious'), withAnnotation, {
    replicas: 1,
    podAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
  });
  // The PDB's status is computed by the real controller-manager.
  const policy = kc.makeApiClient(k8s.PolicyV1Api);
  await eventually('PDB status computed', async () => {
    const pdb = await policy.readNamespacedPodDisruptionBudget({ name: guarded, namespace });
    return pdb.status?.expectedPods === 2 ? true : undefined;
  });

  const cases = [
    [withPdb, 'pdb'],
    [withLocal, 'local_storage'],
    [withAnnotation, 'protected'],
  ] as const;
  const results = await Promise.all(
    cases.map(async ([node]) => {
      const handle = await startScaleDown(
        temporal.client.workflow,
        taskQueue,
        scaleDownInput(group, node),
      );
      const result = await handle.result();
      if (node === withPdb) await saveHistory(handle, 'scale-down-node-blocked');
      return { result, status: await handle.query(scaleDownStatusQuery) };
    }),
  );
  for (const [i, [node, reason]] of cases.entries()) {
    expect(results[i]!.result).toMatchObject({ result: 'BLOCKED', nodeName: node, reason });
    expect(results[i]!.status).toMatchObject({ phase: 'Blocked', blockedReason: reason });
    // Blocked means untouched: not cordoned, VM still there.
    const n = await core.readNode({ name: node });
    expect(n.spec?.unschedulable).toBeFalsy();
    expect(env.sim.state.vmsByHostname(node)).toHaveLength(1);
  }

  const text = await scrape();
  const ref = { nodegroup: group.name, namespace };
  for (const [, reason] of cases) {
    expect(sampleValue(text, 'vpsie_autoscaler_scale_down_blocked_total', { ...ref, reason })).toBe(
      1,
    );
    expect(
      sampleValue(text, 'vpsie_autoscaler_safety_check_failures_total', {
        ...ref,
        check_type: reason,
      }),
    ).toBeGreaterThanOrEqual(1);
  }
  // The reason is searchable in the Web UI.
  const query = `VpsieBlockedReason = 'pdb' AND VpsieNodeGroup = '${namespace}/${group.name}'`;
  const found = await eventually('the blocked workflow in visibility', async () => {
    const ids: string[] = [];
    for await (const info of temporal.client.workflow.list({ query })) ids.push(info.workflowId);
    return ids.length > 0 ? ids : undefined;
  });
  expect(found).toEqual([scaleDownWorkflowId({ namespace, nodeName: withPdb })]);
});

test('a node whose pods fit elsewhere is drained, its VM deleted and its Node gone (TestMetrics_NodeDrain)', async () => {
  const group = await createScaleDownGroup(kc, namespace, unique('drain'));
  const [leaving, staying] = [`${group.name}-a`, `${group.name}-b`];
  await provisionGroupNode(kc, temporal.client.workflow, taskQueue, group, leaving);
  // Only `leaving` exists yet, so the scheduler puts all three pods there.
  const app = unique('web');
  await createGroupWorkload(kc, group, app, { replicas: 3 });
  await eventually('3 pods running on the first node', async () => {
    const pods = await podsOfApp(kc, namespace, app);
    const ok = pods.filter((p) => p.status?.phase === 'Running' && p.spec?.nodeName === leaving);
    return ok.length === 3 ? true : undefined;
  });
  await provisionGroupNode(kc, temporal.client.workflow, taskQueue, group, staying);
  const vmId = env.sim.state.vmsByHostname(leaving)[0]!.identifier;

  const handle = await startScaleDown(
    temporal.client.workflow,
    taskQueue,
    scaleDownInput(group, leaving),
  );
  expect(await handle.result()).toEqual({ result: 'REMOVED', nodeName: leaving });
  await saveHistory(handle, 'scale-down-node-removed');

  // The VM is deleted at VPSie, the Node and VPSieNode are gone, the pods run on the other node.
  expect(env.sim.state.deletedVms().map((vm) => vm.identifier)).toContain(vmId);
  expect(await nodeGone(leaving)).toBe(true);
  expect(await vpsieNodeGone(leaving)).toBe(true);
  await eventually('3 pods running on the remaining node', async () => {
    const pods = await podsOfApp(kc, namespace, app);
    const ok = pods.filter((p) => p.status?.phase === 'Running' && p.spec?.nodeName === staying);
    return ok.length === 3 ? true : undefined;
  });

  const text = await scrape();
  const ref = { nodegroup: group.name, namespace };
  expect(sampleValue(text, 'vpsie_autoscaler_node_drain_pods_evicted_count', ref)).toBe(1);
  expect(sampleValue(text, 'vpsie_autoscaler_node_drain_pods_evicted_sum', ref)).toBe(3);
  expect(
    sampleValue(text, 'vpsie_autoscaler_node_drain_duration_seconds_count', {
      ...ref,
      status: 'success',
    }),
  ).toBe(1);
  expect(
    sampleValue(text, 'vpsie_autoscaler_node_drain_duration_seconds_sum', {
      ...ref,
      status: 'success',
    }),
  ).toBeGreaterThan(0);
  expect(sampleValue(text, 'vpsie_autoscaler_scale_down_total', ref)).toBe(1);

  // `kubectl delete node` on the remaining node: our finalizer holds it until the removal
  // controller's scale-down workflow has drained it and deleted its VM.
  const controller = new RemovalController({
    kubeConfig: kc,
    workflows: temporal.client.workflow,
    taskQueue,
    logger: silentLogger,
    // Scoped to this test's namespace: other test files' VPSieNodes are not ours to touch.
    namespace,
  });
  await controller.start();
  try {
    const stayingVm = env.sim.state.vmsByHostname(staying)[0]!.identifier;
    expect((await core.readNode({ name: staying })).metadata?.finalizers).toContain(
      FINALIZERS.node,
    );
    await core.deleteNode({ name: staying });
    const removal = temporal.client.workflow.getHandle(
      scaleDownWorkflowId({ namespace, nodeName: staying }),
    );
    await eventually('the removal workflow to start', async () =>
      (await removal.describe().catch(() => undefined)) ? true : undefined,
    );
    expect(await removal.result()).toEqual({ result: 'REMOVED', nodeName: staying });
    expect(env.sim.state.deletedVms().map((vm) => vm.identifier)).toContain(stayingVm);
    expect(await nodeGone(staying)).toBe(true);
    expect(await vpsieNodeGone(staying)).toBe(true);
  } finally {
    await controller.stop();
  }
});
