// The underutilised-node trigger on real components: the control plane with kwok nodes and
// pods, and a Temporal dev server. The controller samples requests / allocatable, keeps the
// history, and starts `scale-down/<ns>/<node>` workflows. The control plane serves no
// metrics.k8s.io (no metrics-server), so a `usage` NodeGroup is sampled by its fallback,
// requests. No worker polls the task queues, so a
// started workflow stays Running: exactly the "removal in flight" the controller must count.
import * as k8s from '@kubernetes/client-node';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import type { ScaleDownInput } from '../../src/activities/scale-down/types';
import { LABELS, MANAGED_LABEL_VALUE } from '../../src/apis/v1alpha1';
import {
  ScaleDownController,
  type ScaleDownPass,
} from '../../src/controller/scale-down-controller';
import { silentLogger, type Logger } from '../../src/logging/logger';
import { createMetrics } from '../../src/metrics/recorders';
import { SearchAttributes } from '../../src/temporal/search-attributes';
import { scaleDownWorkflowId } from '../../src/workflows/scale-down-node';
import {
  createReadyNode,
  createTestNamespace,
  eventually,
  fakeNode,
  kubeConfig,
} from '../support/cluster';
import { TEST_SCALE_DOWN_DEFAULTS, createNodeGroup } from '../support/autoscaler-env';
import { installCrds } from '../support/crds';
import { createTemporalEnv } from '../support/temporal';
import { recordingLogger } from '../support/recording-logger';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const suffix = () => randomBytes(3).toString('hex');
const createdNodes: string[] = [];
const controllers: ScaleDownController[] = [];
// Short enough for a test, long enough that a low run spans several samples.
const UNNEEDED_SECONDS = 3;
let temporal: TestWorkflowEnvironment;
let namespace: string;

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'scale-down-ctl');
  temporal = await createTemporalEnv();
});

afterAll(async () => {
  await Promise.all(controllers.map((c) => c.stop()));
  for (const name of createdNodes) await core.deleteNode({ name }).catch(() => undefined);
  await temporal?.teardown();
});

function startController(
  taskQueue: string,
  extra: { metricsServerUtilization?: boolean; logger?: Logger } = {},
) {
  const registry = new Registry();
  const controller = new ScaleDownController({
    kubeConfig: kc,
    workflows: temporal.client.workflow,
    taskQueue,
    logger: extra.logger ?? silentLogger,
    metricsServerUtilization: extra.metricsServerUtilization,
    metrics: createMetrics(registry, { processMetrics: false }),
    namespace,
    sampleIntervalSeconds: 1,
    sampleRetentionSeconds: 60,
    defaults: TEST_SCALE_DOWN_DEFAULTS,
    clusterHealth: {},
  });
  controllers.push(controller);
  return { controller, registry };
}

/** A Ready kwok node labelled as a member of the group. */
async function createMember(group: string, name: string): Promise<string> {
  createdNodes.push(name);
  return createReadyNode(
    kc,
    fakeNode(
      name,
      { cpu: '4', memory: '8Gi' },
      {
        [LABELS.managed]: MANAGED_LABEL_VALUE,
        [LABELS.nodeGroup]: group,
        [LABELS.nodeGroupNamespace]: namespace,
        [LABELS.vpsieNode]: name,
      },
    ),
  );
}

/** A pod bound to `nodeName` requesting `cpu` (the scheduler is bypassed on purpose). */
async function bindPod(nodeName: string, cpu: string): Promise<string> {
  const name = `load-${suffix()}`;
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name },
      spec: {
        nodeName,
        containers: [
          {
            name: 'app',
            image: 'registry.local/app:1',
            resources: { requests: { cpu, memory: '1Gi' } },
          },
        ],
      },
    },
  });
  return name;
}

async function createGroup(prefix: string, spec: Record<string, unknown>): Promise<string> {
  const group = `${prefix}-${suffix()}`;
  await createNodeGroup(kc, namespace, group, spec);
  return group;
}

const workflowId = (nodeName: string) => scaleDownWorkflowId({ namespace, nodeName });

async function describeRemoval(nodeName: string) {
  try {
    return await temporal.client.workflow.getHandle(workflowId(nodeName)).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** The input the workflow was started with, from its first history event. */
async function startInput(nodeName: string): Promise<ScaleDownInput> {
  const history = await temporal.client.workflow.getHandle(workflowId(nodeName)).fetchHistory();
  const payload =
    history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return defaultPayloadConverter.fromPayload<ScaleDownInput>(payload!);
}

/** Every run, open or closed, that Temporal has for the node's workflow id. */
async function runsOf(nodeName: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const wf of temporal.client.workflow.list({
    query: `WorkflowId = "${workflowId(nodeName)}"`,
  })) {
    runs.push(wf.runId);
  }
  return runs;
}

async function passes(controller: ScaleDownController, count: number): Promise<ScaleDownPass[]> {
  const done: ScaleDownPass[] = [];
  for (let i = 0; i < count; i++) {
    done.push(await controller.runOnce());
    await new Promise((r) => setTimeout(r, 500));
  }
  return done;
}

test('only the underutilised node gets an underutilized scale-down workflow, and only once', async () => {
  const taskQueue = `scale-down-ctl-${suffix()}`;
  const group = await createGroup('web', {
    minNodes: 0,
    scaleDownPolicy: { unneededTimeSeconds: UNNEEDED_SECONDS, maxConcurrentScaleDowns: 2 },
  });
  const empty = await createMember(group, `${group}-empty`);
  const busy = await createMember(group, `${group}-busy`);
  // 3 of 4 CPUs requested: 75 %, above the 50 % threshold.
  const load = [await bindPod(busy, '2'), await bindPod(busy, '1')];

  const { controller, registry } = startController(taskQueue);
  await controller.start();
  const first = await eventually(
    `a scale-down workflow for ${empty}`,
    () => describeRemoval(empty),
    30_000,
  );
  await controller.stop();

  expect(first.status.name).toBe('RUNNING');
  expect(first.type).toBe('scaleDownNode');
  expect(first.taskQueue).toBe(taskQueue);
  expect(first.typedSearchAttributes.get(SearchAttributes.nodeGroup)).toBe(`${namespace}/${group}`);
  expect(first.typedSearchAttributes.get(SearchAttributes.operation)).toBe('scale-down');
  expect(await startInput(empty)).toEqual({
    trigger: 'underutilized',
    namespace,
    nodeGroup: group,
    nodeName: empty,
    vpsieNode: empty,
  });

  // Further passes, with the busy node's history now well past the unneeded time: the running
  // removal is in flight (never started again) and the busy node stays above the threshold.
  const later = await passes(controller, 4);
  expect(later.flatMap((p) => p.started)).toEqual([]);
  expect(later.every((p) => p.startErrors === 0)).toBe(true);
  // Only requests groups in scope: the metrics API is not even asked.
  expect(later.map((p) => p.nodeMetrics)).toEqual(later.map(() => 'not-needed'));
  expect(await describeRemoval(busy)).toBeUndefined();
  expect(await runsOf(empty)).toEqual([first.runId]);

  const metrics = await registry.metrics();
  expect(metrics).toMatch(
    new RegExp(
      `vpsie_autoscaler_scaling_decisions_total\\{[^}]*nodegroup="${group}"[^}]*decision="scale_down",reason="underutilized"\\} 1\\n`,
    ),
  );

  // It was the load that kept the busy node: once its pods are gone it goes too, after its own
  // unneeded time (the group allows two removals at once).
  for (const name of load) {
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
  }
  const idle = await eventually(
    `a scale-down workflow for ${busy} once idle`,
    async () => {
      const pass = await controller.runOnce();
      return pass.started.find((s) => s.nodeName === busy);
    },
    30_000,
  );
  expect(idle).toMatchObject({ trigger: 'underutilized', nodeGroup: group });
  expect(await runsOf(empty)).toEqual([first.runId]);
  expect(metrics).toMatch(
    /vpsie_autoscaler_controller_reconcile_total\{controller="scale-down",result="success"\} \d+/,
  );
});

test('minNodes is respected: of two idle nodes with minNodes 1, one goes', async () => {
  const taskQueue = `scale-down-ctl-${suffix()}`;
  const group = await createGroup('min', {
    minNodes: 1,
    scaleDownPolicy: { unneededTimeSeconds: UNNEEDED_SECONDS, maxConcurrentScaleDowns: 2 },
  });
  const a = await createMember(group, `${group}-a`);
  const b = await createMember(group, `${group}-b`);

  const { controller } = startController(taskQueue);
  await controller.start();
  const removed = await eventually(
    'a scale-down of one of the two nodes',
    async () => ((await describeRemoval(a)) ? a : (await describeRemoval(b)) ? b : undefined),
    30_000,
  );
  await controller.stop();
  const kept = removed === a ? b : a;

  const later = await passes(controller, 3);
  expect(later.flatMap((p) => p.started)).toEqual([]);
  // The kept node is eligible, and held back by minNodes (the running removal counts as gone).
  expect(later.at(-1)!.declined).toEqual([
    expect.objectContaining({ node: kept, nodeGroup: group, blockedReason: 'min_nodes' }),
  ]);
  expect(await describeRemoval(kept)).toBeUndefined();
});

test('a restarted controller counts the removals already running', async () => {
  const taskQueue = `scale-down-ctl-${suffix()}`;
  const group = await createGroup('restart', {
    minNodes: 0,
    scaleDownPolicy: { unneededTimeSeconds: UNNEEDED_SECONDS, maxConcurrentScaleDowns: 1 },
  });
  const a = await createMember(group, `${group}-a`);
  const b = await createMember(group, `${group}-b`);

  const before = startController(taskQueue).controller;
  await before.start();
  const removed = await eventually(
    'a scale-down of one of the two nodes',
    async () => ((await describeRemoval(a)) ? a : (await describeRemoval(b)) ? b : undefined),
    30_000,
  );
  await before.stop();
  const other = removed === a ? b : a;

  // A fresh controller: no samples, nothing remembered. Temporal alone tells it a removal runs.
  const after = startController(taskQueue).controller;
  const held = await eventually(
    `${other} eligible and held back by the concurrency limit`,
    async () => {
      const pass = await after.runOnce();
      expect(pass.started).toEqual([]);
      return pass.declined.find(
        (d) => d.node === other && d.blockedReason === 'operation_in_progress',
      );
    },
    30_000,
  );
  expect(held.message).toMatch(/1 of at most 1 concurrent/);
  expect(await describeRemoval(other)).toBeUndefined();
});

// Last in the file: the usage group it creates stays in the shared namespace, and earlier tests
// assert that requests-only scopes never ask the metrics API.
test('a usage group without metrics.k8s.io is sampled by requests, and its idle node still goes', async () => {
  const taskQueue = `scale-down-ctl-${suffix()}`;
  const group = await createGroup('usage', {
    minNodes: 0,
    scaleDownPolicy: {
      unneededTimeSeconds: UNNEEDED_SECONDS,
      maxConcurrentScaleDowns: 2,
      utilizationSource: 'usage',
    },
  });
  const idle = await createMember(group, `${group}-idle`);
  const busy = await createMember(group, `${group}-busy`);
  await bindPod(busy, '3');

  const { logger, lines: logged } = recordingLogger(['info', 'warn', 'error']);
  const { controller } = startController(taskQueue, { metricsServerUtilization: true, logger });
  const done: ScaleDownPass[] = [];
  const started = await eventually(
    `a scale-down workflow for ${idle}`,
    async () => {
      const pass = await controller.runOnce();
      done.push(pass);
      return pass.started.find((s) => s.nodeName === idle);
    },
    30_000,
  );
  expect(started).toEqual({
    trigger: 'underutilized',
    namespace,
    nodeGroup: group,
    nodeName: idle,
    vpsieNode: idle,
  });
  expect((await describeRemoval(idle))?.status.name).toBe('RUNNING');
  // Every pass asked the API, got nothing, and still sampled both nodes (by requests).
  expect(done.length).toBeGreaterThan(1);
  for (const pass of done) {
    expect(pass).toMatchObject({ nodeMetrics: 'unavailable', sampledByUsage: 0 });
    expect(pass.sampled).toBeGreaterThanOrEqual(2);
  }
  // 3 of 4 CPUs requested keeps the busy node: requests are what it was judged by.
  expect(await describeRemoval(busy)).toBeUndefined();
  // The absent API was logged once, not once per pass, and never as an error.
  expect(logged.filter((l) => /node metrics/.test(l.msg))).toEqual([
    expect.objectContaining({ level: 'info', msg: expect.stringMatching(/not served/) }),
  ]);
  expect(logged.filter((l) => l.level === 'error')).toEqual([]);

  // With features.metricsServerUtilization off the API is not asked at all, and the controller
  // says once why the usage group is sampled by requests.
  logged.length = 0;
  const off = startController(taskQueue, { logger }).controller;
  const offPasses = [await off.runOnce(), await off.runOnce()];
  expect(offPasses.map((p) => [p.nodeMetrics, p.sampledByUsage])).toEqual([
    ['disabled', 0],
    ['disabled', 0],
  ]);
  expect(offPasses.every((p) => p.sampled >= 2)).toBe(true);
  expect(logged).toEqual([
    expect.objectContaining({
      level: 'info',
      msg: expect.stringMatching(/features\.metricsServerUtilization is off/),
      fields: { nodeGroups: [`${namespace}/${group}`] },
    }),
  ]);
});
