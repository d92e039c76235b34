// The NodeGroup status reconciler on real components: the control plane (kwok Nodes, our CRDs)
// and a Temporal dev server. VPSieNodes are put in the phases under test by patching their
// status, as the workflows would; the controller must turn them into the group's status (read
// back through the API, printer columns included, as `kubectl get nodegroups` shows them) and
// its gauges. A lowered maxNodes must start an `above-max-nodes` scale-down: first with no worker
// polling (the workflow stays Running, exactly "a removal in flight"), then end to end with a
// worker, the VPSie simulator and nodes provisioned for real.
import { saveHistory } from '../support/histories';
import * as k8s from '@kubernetes/client-node';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { Registry } from 'prom-client';
import type { ScaleDownInput } from '../../src/activities/scale-down/types';
import {
  GROUP,
  LABELS,
  MANAGED_LABEL_VALUE,
  VERSION,
  type Condition,
  type VPSieNodeStatus,
} from '../../src/apis/v1alpha1';
import { NodeGroupController } from '../../src/controller/node-group-controller';
import { apiStatus, isNotFound } from '../../src/kube/clients';
import { patchVpsieNodeStatus } from '../../src/kube/custom-resources';
import { silentLogger } from '../../src/logging/logger';
import { createMetrics } from '../../src/metrics/recorders';
import { scaleDownWorkflowId } from '../../src/workflows/scale-down-node';
import {
  createNodeGroup,
  createVpsieNode,
  customObjects,
  readStatus,
  startAutoscalerEnv,
  startTestWorker,
} from '../support/autoscaler-env';
import {
  createReadyNode,
  createTestNamespace,
  eventually,
  fakeNode,
  kubeConfig,
} from '../support/cluster';
import { installCrds } from '../support/crds';
import { createScaleDownGroup, provisionGroupNode, sampleValue } from '../support/scale-down';
import { createTemporalEnv } from '../support/temporal';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const custom = customObjects(kc);
const suffix = () => randomBytes(3).toString('hex');
const createdNodes: string[] = [];
const controllers: NodeGroupController[] = [];
let temporal: TestWorkflowEnvironment;
let namespace: string;

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'ng-status');
  temporal = await createTemporalEnv();
});

// Every controller watches the whole namespace: one left running would also act on the next
// test's groups (and start its removals on its own task queue).
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((c) => c.stop()));
});

afterAll(async () => {
  for (const name of createdNodes) await core.deleteNode({ name }).catch(() => undefined);
  await temporal?.teardown();
});

function startController(options: { namespace?: string; taskQueue?: string } = {}) {
  const registry = new Registry();
  const controller = new NodeGroupController({
    kubeConfig: kc,
    workflows: temporal.client.workflow,
    taskQueue: options.taskQueue ?? `ng-status-${suffix()}`,
    logger: silentLogger,
    metrics: createMetrics(registry, { processMetrics: false }),
    namespace: options.namespace ?? namespace,
    resyncSeconds: 0,
    debounceMs: 300,
  });
  controllers.push(controller);
  return { controller, registry };
}

/** A kwok Node labelled as ours for `vpsieNode` of the group; Ready unless `ready` is false. */
async function createMemberNode(group: string, name: string, ready = true): Promise<void> {
  createdNodes.push(name);
  const body = fakeNode(
    name,
    { cpu: '4', memory: '8Gi' },
    {
      [LABELS.managed]: MANAGED_LABEL_VALUE,
      [LABELS.nodeGroup]: group,
      [LABELS.nodeGroupNamespace]: namespace,
      [LABELS.vpsieNode]: name,
    },
  );
  if (ready) {
    await createReadyNode(kc, body);
  } else {
    // Without kwok's annotation nothing plays the kubelet: the Node never becomes Ready.
    delete body.metadata!.annotations;
    await core.createNode({ body });
  }
}

/** A VPSieNode of the group in `status` (as a workflow would have written it). */
async function createMember(
  group: string,
  name: string,
  status?: Partial<VPSieNodeStatus>,
): Promise<void> {
  await createVpsieNode(kc, namespace, name, group);
  if (status) await patchVpsieNodeStatus(custom, namespace, name, status);
}

interface GroupStatus {
  observedGeneration?: number;
  currentNodes?: number;
  desiredNodes?: number;
  readyNodes?: number;
  nodes?: Array<{ nodeName: string; status: string }>;
  conditions?: Condition[];
  lastScaleUpTime?: string;
}

const groupStatus = async (group: string, ns = namespace) =>
  (await readStatus(kc, ns, 'nodegroups', group)) as GroupStatus;

const conditionOf = (status: GroupStatus, type: string) =>
  status.conditions?.find((c) => c.type === type);

async function patchSpec(group: string, spec: Record<string, unknown>): Promise<void> {
  await custom.patchNamespacedCustomObject(
    {
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'nodegroups',
      name: group,
      body: { spec },
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
}

async function patchStatus(group: string, status: Record<string, unknown>, rv?: string) {
  await custom.patchNamespacedCustomObjectStatus(
    {
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'nodegroups',
      name: group,
      body: { ...(rv ? { metadata: { resourceVersion: rv } } : {}), status },
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
}

/** The NodeGroup as `kubectl get` prints it: printer column name -> cell. */
async function printedRow(group: string): Promise<Record<string, unknown>> {
  const options: { headers?: Record<string, string> } & Record<string, unknown> = {};
  await kc.applyToHTTPSOptions(options);
  const path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/nodegroups/${group}`;
  const url = new URL(path, kc.getCurrentCluster()!.server);
  const headers = { ...options.headers, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(url, { ...options, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode}: ${body}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
  const table = JSON.parse(text) as {
    columnDefinitions: Array<{ name: string }>;
    rows: Array<{ cells: unknown[] }>;
  };
  const cells = table.rows[0]!.cells;
  return Object.fromEntries(table.columnDefinitions.map((c, i) => [c.name, cells[i]]));
}

const workflowId = (nodeName: string) => scaleDownWorkflowId({ namespace, nodeName });

/** The input the node's scale-down workflow was started with, from its first history event. */
async function startInput(nodeName: string): Promise<ScaleDownInput> {
  const history = await temporal.client.workflow.getHandle(workflowId(nodeName)).fetchHistory();
  const payload =
    history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return defaultPayloadConverter.fromPayload<ScaleDownInput>(payload!);
}

async function describeRemoval(nodeName: string) {
  return temporal.client.workflow
    .getHandle(workflowId(nodeName))
    .describe()
    .catch(() => undefined);
}

/** Every run, open or closed, Temporal has for the node's scale-down workflow id. */
async function runsOf(nodeName: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const wf of temporal.client.workflow.list({
    query: `WorkflowId = "${workflowId(nodeName)}"`,
  })) {
    runs.push(wf.runId);
  }
  return runs;
}

test('status, conditions, printer columns and gauges follow the VPSieNodes and Nodes', async () => {
  const group = `web-${suffix()}`;
  await createNodeGroup(kc, namespace, group, { minNodes: 2, maxNodes: 5 });
  const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((n) => `${group}-${n}`) as [
    string,
    string,
    string,
    string,
    string,
  ];
  await createMember(group, a, { phase: 'Ready' });
  await createMemberNode(group, a);
  await createMember(group, b, { phase: 'Ready' });
  await createMemberNode(group, b);
  await createMember(group, c, { phase: 'Provisioning' });
  await createMember(group, d, { phase: 'Failed', failureReason: 'JoinTimeout' });
  await createMember(group, e, { phase: 'Joining' });
  await createMemberNode(group, e, false);

  const { controller, registry } = startController();
  await controller.start();

  // a, b Ready; c on its way; e joined but not Ready; d Failed (not counted).
  const status = await eventually('the group status', async () => {
    const s = await groupStatus(group);
    return s.currentNodes === 4 && s.readyNodes === 2 ? s : undefined;
  });
  expect(status).toMatchObject({ observedGeneration: 1, desiredNodes: 4 });
  expect(status.nodes?.map((n) => [n.nodeName, n.status])).toEqual([
    [a, 'Ready'],
    [b, 'Ready'],
    [c, 'Provisioning'],
    [d, 'Failed'],
    [e, 'Joining'],
  ]);
  expect(conditionOf(status, 'Scaling')).toMatchObject({ status: 'True', reason: 'ScalingUp' });
  expect(conditionOf(status, 'Error')).toMatchObject({
    status: 'True',
    reason: 'NodesFailed',
    message: `1 VPSieNode(s) Failed: ${d} (JoinTimeout)`,
  });
  expect(conditionOf(status, 'Ready')).toMatchObject({ status: 'False', reason: 'GroupError' });
  expect(conditionOf(status, 'AtMinCapacity')).toMatchObject({ status: 'False' });
  expect(conditionOf(status, 'AtMaxCapacity')).toMatchObject({ status: 'False' });

  expect(await printedRow(group)).toMatchObject({
    Name: group,
    Min: 2,
    Max: 5,
    Desired: 4,
    Current: 4,
    Ready: 2,
    Scaling: 'ScalingUp',
  });

  const ref = { nodegroup: group, namespace };
  const text = await registry.metrics();
  const gauge = (name: string, labels: Record<string, string> = ref) =>
    sampleValue(text, `vpsie_autoscaler_${name}`, labels);
  expect(gauge('nodegroup_current_nodes')).toBe(4);
  expect(gauge('nodegroup_desired_nodes')).toBe(4);
  expect(gauge('nodegroup_ready_nodes')).toBe(2);
  expect(gauge('nodegroup_min_nodes')).toBe(2);
  expect(gauge('nodegroup_max_nodes')).toBe(5);
  expect(gauge('nodegroup_last_reconcile_timestamp_seconds')).toBeGreaterThan(
    Date.now() / 1000 - 60,
  );
  expect(gauge('vpsienode_phase', { ...ref, phase: 'Ready' })).toBe(2);
  expect(gauge('vpsienode_phase', { ...ref, phase: 'Failed' })).toBe(1);
  expect(gauge('vpsienode_phase', { ...ref, phase: 'Pending' })).toBe(0);
  expect(text).toMatch(
    /vpsie_autoscaler_controller_reconcile_total\{controller="nodegroup-status",result="success"\} [1-9]/,
  );

  // The nodes finish: the Failed one is cleaned up, c and e become Ready. Scaling flips back,
  // and only the conditions that flipped get a new lastTransitionTime.
  const minSince = conditionOf(status, 'AtMinCapacity')!.lastTransitionTime;
  await custom.deleteNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'vpsienodes',
    name: d,
  });
  await patchVpsieNodeStatus(custom, namespace, c, { phase: 'Ready' });
  await createMemberNode(group, c);
  await patchVpsieNodeStatus(custom, namespace, e, { phase: 'Ready' });
  await core.deleteNode({ name: e });
  await createMemberNode(group, e);
  const settled = await eventually('every node Ready', async () => {
    const s = await groupStatus(group);
    return s.readyNodes === 4 && conditionOf(s, 'Scaling')?.status === 'False' ? s : undefined;
  });
  expect(conditionOf(settled, 'Scaling')?.reason).toBe('Stable');
  expect(conditionOf(settled, 'Error')).toMatchObject({ status: 'False', reason: 'NoError' });
  expect(conditionOf(settled, 'Ready')).toMatchObject({ status: 'True', reason: 'MinNodesReady' });
  expect(conditionOf(settled, 'AtMinCapacity')?.lastTransitionTime).toBe(minSince);
  expect(settled.nodes).toHaveLength(4);

  // What other writers own survives our patches: a field we never send, and a condition in the
  // list we replace whole (written the way the scale-down outcome writes it).
  const scaleDownFailed: Condition = {
    type: 'ScaleDownFailed',
    status: 'True',
    reason: 'DrainFailed',
    message: 'drain timed out',
    lastTransitionTime: '2026-01-01T00:00:00Z',
  };
  await patchStatus(group, {
    lastScaleUpTime: '2026-01-01T00:00:00Z',
    conditions: [...(settled.conditions ?? []), scaleDownFailed],
  });
  await patchSpec(group, { minNodes: 4 });
  const bumped = await eventually('the new generation observed', async () => {
    const s = await groupStatus(group);
    return s.observedGeneration === 2 ? s : undefined;
  });
  expect(bumped.lastScaleUpTime).toBe('2026-01-01T00:00:00Z');
  expect(conditionOf(bumped, 'ScaleDownFailed')).toEqual(scaleDownFailed);
  // What keeps a condition written between our read and our write: the API server honours the
  // resourceVersion in a status merge patch, so a stale one is refused rather than applied.
  const stale = await patchStatus(group, { readyNodes: 0 }, '1').then(
    () => 200,
    (err: unknown) => apiStatus(err),
  );
  expect(stale).toBe(409);
  expect(conditionOf(bumped, 'AtMinCapacity')).toMatchObject({
    status: 'True',
    reason: 'AtMinNodes',
  });

  // A deleted group's gauges go away with it.
  await custom.deleteNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'nodegroups',
    name: group,
  });
  await eventually('the gauges of the deleted group removed', async () =>
    (await registry.metrics()).includes(`nodegroup="${group}"`) ? undefined : true,
  );
});

test('a burst of VPSieNode changes is coalesced into a few reconciles', async () => {
  const ns = await createTestNamespace(kc, 'ng-burst');
  const group = `burst-${suffix()}`;
  await createNodeGroup(kc, ns, group, { minNodes: 0, maxNodes: 50 });
  const { controller, registry } = startController({ namespace: ns });
  await controller.start();
  await eventually('the first status', async () =>
    (await groupStatus(group, ns)).currentNodes === 0 ? true : undefined,
  );
  const reconciles = async () =>
    sampleValue(await registry.metrics(), 'vpsie_autoscaler_controller_reconcile_total', {
      controller: 'nodegroup-status',
    }) ?? 0;
  const before = await reconciles();

  // 20 creates and 20 status writes: 40 events for the group.
  await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const name = `${group}-${i}`;
      await customObjects(kc).createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: ns,
        plural: 'vpsienodes',
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'VPSieNode',
          metadata: { name },
          spec: { nodeGroupName: group, datacenterID: 'dc-1', instanceType: 'plan-1' },
        },
      });
      await patchVpsieNodeStatus(custom, ns, name, { phase: 'Provisioning' });
    }),
  );
  await eventually('all 20 counted', async () =>
    (await groupStatus(group, ns)).currentNodes === 20 ? true : undefined,
  );
  await new Promise((r) => setTimeout(r, 1000));
  const burst = (await reconciles()) - before;
  expect(burst).toBeGreaterThanOrEqual(1);
  expect(burst).toBeLessThanOrEqual(8);
});

test('a lowered maxNodes starts one above-max-nodes removal of the newest Ready node', async () => {
  const group = `trim-${suffix()}`;
  await createNodeGroup(kc, namespace, group, {
    minNodes: 0,
    maxNodes: 4,
    scaleDownPolicy: { maxConcurrentScaleDowns: 1 },
  });
  const names = ['old', 'mid', 'new'].map((n) => `${group}-${n}`);
  for (const [i, name] of names.entries()) {
    await createMember(group, name, {
      phase: 'Ready',
      createdAt: new Date(Date.now() - (3 - i) * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    await createMemberNode(group, name);
  }
  const [, mid, newest] = names as [string, string, string];
  // Provisioning, and newer than all: counted, never chosen.
  const joining = `${group}-joining`;
  await createMember(group, joining, { phase: 'Joining' });

  const taskQueue = `ng-status-${suffix()}`;
  const { controller, registry } = startController({ taskQueue });
  await controller.start();
  await eventually('4 current nodes', async () =>
    (await groupStatus(group)).currentNodes === 4 ? true : undefined,
  );
  expect(await describeRemoval(newest)).toBeUndefined();

  await patchSpec(group, { maxNodes: 3 });
  const started = await eventually(`a removal of ${newest}`, () => describeRemoval(newest));
  // No worker polls this task queue: the removal stays in flight.
  expect(started.status.name).toBe('RUNNING');
  expect(started.taskQueue).toBe(taskQueue);
  expect(await startInput(newest)).toEqual({
    trigger: 'above-max-nodes',
    namespace,
    nodeGroup: group,
    nodeName: newest,
    vpsieNode: newest,
  });
  const status = await eventually('the group above maxNodes', async () => {
    const s = await groupStatus(group);
    return conditionOf(s, 'AtMaxCapacity')?.reason === 'AboveMaxNodes' ? s : undefined;
  });
  expect(status).toMatchObject({ currentNodes: 4, desiredNodes: 3 });
  expect(conditionOf(status, 'AtMaxCapacity')?.message).toMatch(/1 above maxNodes 3/);

  // More reconciles, and a maxNodes lowered further: the running removal is neither started
  // again nor joined by a second one (maxConcurrentScaleDowns 1).
  await controller.reconcileGroup(namespace, group);
  await patchSpec(group, { maxNodes: 2 });
  await eventually('generation 3 observed', async () =>
    (await groupStatus(group)).observedGeneration === 3 ? true : undefined,
  );
  await controller.reconcileGroup(namespace, group);
  expect(await runsOf(newest)).toHaveLength(1);
  expect(await describeRemoval(mid)).toBeUndefined();

  const text = await registry.metrics();
  expect(
    sampleValue(text, 'vpsie_autoscaler_scaling_decisions_total', {
      nodegroup: group,
      decision: 'scale_down',
      reason: 'above_max_nodes',
    }),
  ).toBe(1);

  // Once the first removal is over (here: terminated), the next newest Ready node goes.
  await temporal.client.workflow.getHandle(workflowId(newest)).terminate('test');
  // Reconciled until visibility no longer lists the terminated run as Running.
  const next = await eventually(`a removal of ${mid}`, async () => {
    await controller.reconcileGroup(namespace, group);
    return describeRemoval(mid);
  });
  expect(next.status.name).toBe('RUNNING');
  expect(await describeRemoval(joining)).toBeUndefined();
});

test('end to end: lowering maxNodes removes the excess node through the scale-down workflow', async () => {
  const env = await startAutoscalerEnv();
  const taskQueue = `ng-status-e2e-${suffix()}`;
  const worker = await startTestWorker(temporal, env, taskQueue);
  try {
    // A long cooldown: an `underutilized` removal would be blocked right after these nodes were
    // added; above maxNodes the operator's bound is enforced anyway.
    const group = await createScaleDownGroup(kc, namespace, `e2e-${suffix()}`, {
      cooldownSeconds: 3600,
    });
    const [first, second] = [`${group.name}-a`, `${group.name}-b`];
    await provisionGroupNode(kc, temporal.client.workflow, taskQueue, group, first);
    await provisionGroupNode(kc, temporal.client.workflow, taskQueue, group, second);
    createdNodes.push(first, second);

    const { controller } = startController({ taskQueue });
    await controller.start();
    await eventually('2 Ready nodes', async () =>
      (await groupStatus(group.name)).readyNodes === 2 ? true : undefined,
    );
    await patchSpec(group.name, { maxNodes: 1 });

    const removal = await eventually(`a removal of ${second}`, () => describeRemoval(second));
    const handle = temporal.client.workflow.getHandle(workflowId(second), removal.runId);
    const result = await handle.result();
    expect(result).toEqual({ result: 'REMOVED', nodeName: second });
    await saveHistory(handle, 'scale-down-node-above-max');
    const gone = await core.readNode({ name: second }).then(
      () => false,
      (err: unknown) => isNotFound(err),
    );
    expect(gone).toBe(true);

    const status = await eventually('the group back at maxNodes', async () => {
      const s = await groupStatus(group.name);
      // The removed VPSieNode stays listed (phase Deleting) until its deletion is observed.
      return s.currentNodes === 1 && s.readyNodes === 1 && s.nodes?.length === 1 ? s : undefined;
    });
    expect(conditionOf(status, 'AtMaxCapacity')).toMatchObject({
      status: 'True',
      reason: 'AtMaxNodes',
    });
    expect(status.nodes?.map((n) => n.nodeName)).toEqual([first]);
    expect(await describeRemoval(first)).toBeUndefined();
  } finally {
    await worker.stop();
    await env.sim.close();
  }
});
