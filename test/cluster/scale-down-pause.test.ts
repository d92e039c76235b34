// Scale-down across interruptions, on real components: an operator's pause taken during a drain
// holds the node, drained, before its VM is deleted, and holds across a worker restart until
// resumed; a worker killed mid-drain is replaced and the node is removed exactly once.
// A PodDisruptionBudget that allows no disruption keeps each drain in progress until the test
// relaxes it, so "during the drain" is a state, not a race.
import * as k8s from '@kubernetes/client-node';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import type { DrainHeartbeat } from '../../src/activities/scale-down';
import type { PauseScope } from '../../src/activities/scale-down/control-types';
import { isNotFound } from '../../src/kube/clients';
import {
  controlWorkflowId,
  pauseScaleDownUpdate,
  pauseStateQuery,
  resumeScaleDownUpdate,
  scaleDownControl,
} from '../../src/workflows/scale-down-control';
import { scaleDownStatusQuery } from '../../src/workflows/scale-down-node';
import {
  readStatus,
  startAutoscalerEnv,
  startTestWorker,
  workerProcessEnv,
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
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const policy = kc.makeApiClient(k8s.PolicyV1Api);
const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;
// Provisioning runs on its own queue and worker, so the scale-down worker can be killed alone.
const provisioningQueue = unique('provision');
let temporal: TestWorkflowEnvironment;
let env: AutoscalerEnv;
let namespace: string;
const inProcess: Array<Awaited<ReturnType<typeof startTestWorker>>> = [];
const processes: WorkerProcess[] = [];

async function startInProcessWorker(taskQueue: string) {
  const worker = await startTestWorker(temporal, env, taskQueue);
  inProcess.push(worker);
  return worker;
}

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'sdpause');
  temporal = await createTemporalEnv();
  env = await startAutoscalerEnv();
  await startInProcessWorker(provisioningQueue);
});

afterAll(async () => {
  for (const worker of inProcess) await worker.stop();
  for (const p of processes) await p.kill();
  await env?.sim.close();
  await temporal?.teardown();
});

/**
 * A group of two nodes whose first holds two pods guarded by a PDB allowing no disruption:
 * its drain cannot finish until `relax()`.
 */
async function groupWithGuardedNode() {
  const group = await createScaleDownGroup(kc, namespace, unique('guard'));
  const [leaving, staying] = [`${group.name}-a`, `${group.name}-b`];
  const workflows = temporal.client.workflow;
  await provisionGroupNode(kc, workflows, provisioningQueue, group, leaving);
  const app = unique('db');
  await createGroupWorkload(kc, group, app, { replicas: 2 });
  await eventually('2 pods running on the first node', async () => {
    const pods = await podsOfApp(kc, namespace, app);
    const ok = pods.filter((p) => p.status?.phase === 'Running' && p.spec?.nodeName === leaving);
    return ok.length === 2 ? true : undefined;
  });
  await createPdb(kc, namespace, app, { minAvailable: 2 });
  await eventually('the PDB to allow no disruption', async () => {
    const pdb = await policy.readNamespacedPodDisruptionBudget({ name: app, namespace });
    return pdb.status?.expectedPods === 2 && pdb.status.disruptionsAllowed === 0 ? true : undefined;
  });
  await provisionGroupNode(kc, workflows, provisioningQueue, group, staying);
  const relax = () =>
    policy.patchNamespacedPodDisruptionBudget(
      { name: app, namespace, body: { spec: { minAvailable: 0 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  const podsLeft = async () =>
    (await podsOfApp(kc, namespace, app)).filter((p) => p.spec?.nodeName === leaving).length;
  return { group, leaving, staying, app, relax, podsLeft };
}

async function nodeExists(name: string): Promise<boolean> {
  return core.readNode({ name }).then(
    () => true,
    (err: unknown) => {
      if (isNotFound(err)) return false;
      throw err;
    },
  );
}

/** Waits until the drain activity runs and has had an eviction refused by the PDB. */
async function waitForBlockedDrain(handle: Awaited<ReturnType<typeof startScaleDown>>) {
  await eventually(
    'the drain to be held by the PDB',
    async () => {
      const description = await handle.describe();
      const pending = description.raw.pendingActivities?.find(
        (a) => a.activityType?.name === 'drainNode',
      );
      // Heartbeat details are JSON payloads: the last DrainHeartbeat the activity reported.
      const data = pending?.heartbeatDetails?.payloads?.[0]?.data;
      if (!data) return undefined;
      const beat = JSON.parse(Buffer.from(data).toString('utf8')) as DrainHeartbeat;
      return beat.blockedByPdb.length > 0 ? true : undefined;
    },
    90_000,
  );
}

function pauseControl(group: TestGroup, taskQueue: string) {
  const scope: PauseScope = { kind: 'nodegroup', namespace, nodeGroup: group.name };
  return temporal.client.workflow.start(scaleDownControl, {
    workflowId: controlWorkflowId(scope),
    taskQueue,
    args: [scope],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

test('a pause during a drain holds the node before VM deletion, across a worker restart, until resumed', async () => {
  const taskQueue = unique('pause');
  let current = await startInProcessWorker(taskQueue);
  const { group, leaving, relax, podsLeft } = await groupWithGuardedNode();
  const vmId = env.sim.state.vmsByHostname(leaving)[0]!.identifier;

  const handle = await startScaleDown(
    temporal.client.workflow,
    taskQueue,
    scaleDownInput(group, leaving, 'node-deleted'),
  );
  await waitForBlockedDrain(handle);

  const control = await pauseControl(group, taskQueue);
  const paused = await control.executeUpdate(pauseScaleDownUpdate, {
    args: [{ reason: 'database migration', by: 'test' }],
  });
  expect(paused).toMatchObject({ paused: true, reason: 'database migration' });
  // Operators see the pause on the NodeGroup.
  await eventually('the pause in NodeGroup status', async () => {
    const status = await readStatus(kc, namespace, 'nodegroups', group.name);
    return (status.scaleDownPause as { paused?: boolean } | undefined)?.paused ? true : undefined;
  });

  // The drain finishes; the workflow then waits, before anything destructive.
  await relax();
  await eventually('the node drained', async () => ((await podsLeft()) === 0 ? true : undefined));
  await eventually('the workflow holding after the drain', async () => {
    const status = await handle.query(scaleDownStatusQuery);
    return status.step === 'waitWhilePaused' && status.phase === 'WaitingIfPaused'
      ? status
      : undefined;
  });

  // Restart the worker: the pause lives in the control workflow's history, not in the worker.
  await current.stop();
  current = await startInProcessWorker(taskQueue);
  await new Promise((r) => setTimeout(r, 3_000));
  expect(await handle.query(scaleDownStatusQuery)).toMatchObject({
    step: 'waitWhilePaused',
    phase: 'WaitingIfPaused',
  });
  expect(await control.query(pauseStateQuery)).toMatchObject({ paused: true });
  expect(env.sim.state.vm(vmId)?.phase).not.toBe('deleted');
  expect(env.sim.state.deletedVms().map((vm) => vm.identifier)).not.toContain(vmId);
  expect(await nodeExists(leaving)).toBe(true);

  await control.executeUpdate(resumeScaleDownUpdate, { args: [{ by: 'test' }] });
  expect(await handle.result()).toEqual({ result: 'REMOVED', nodeName: leaving });
  await saveHistory(handle, 'scale-down-node-paused');
  await saveHistory(control, 'scale-down-control-paused');
  expect(env.sim.state.deletedVms().map((vm) => vm.identifier)).toContain(vmId);
  expect(await nodeExists(leaving)).toBe(false);
  await eventually('the pause cleared from NodeGroup status', async () => {
    const status = await readStatus(kc, namespace, 'nodegroups', group.name);
    return status.scaleDownPause ? undefined : true;
  });
});

test('a worker killed mid-drain is replaced and the node is removed exactly once', async () => {
  const taskQueue = unique('killed');
  const workerEnv = workerProcessEnv(temporal, env, taskQueue);
  const { group, leaving, relax } = await groupWithGuardedNode();
  const vmId = env.sim.state.vmsByHostname(leaving)[0]!.identifier;

  const first = await startWorkerProcess(workerEnv);
  processes.push(first);
  const requestsBefore = env.sim.requests.length;
  const handle = await startScaleDown(
    temporal.client.workflow,
    taskQueue,
    scaleDownInput(group, leaving, 'node-deleted'),
  );
  await waitForBlockedDrain(handle);
  await first.kill('SIGKILL');
  await relax();

  const second = await startWorkerProcess(workerEnv);
  processes.push(second);
  // The killed attempt is detected by its heartbeat timeout, then the drain runs again and
  // finds the node cordoned and its pods (now allowed) evictable.
  expect(await handle.result()).toEqual({ result: 'REMOVED', nodeName: leaving });

  // One DELETE reached VPSie for this removal: the restarted steps did not repeat it.
  const deletions = env.sim.requests.slice(requestsBefore).filter((r) => r.route === 'deleteVm');
  expect(deletions).toHaveLength(1);
  expect(env.sim.state.deletedVms().map((vm) => vm.identifier)).toContain(vmId);
  expect(await nodeExists(leaving)).toBe(false);

  const text = await (await fetch(second.metricsUrl)).text();
  const ref = { nodegroup: group.name, namespace };
  expect(sampleValue(text, 'vpsie_autoscaler_scale_down_total', ref)).toBe(1);
  expect(
    sampleValue(text, 'vpsie_autoscaler_node_drain_duration_seconds_count', {
      ...ref,
      status: 'success',
    }),
  ).toBe(1);
});
