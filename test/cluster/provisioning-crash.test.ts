// Crash safety: the worker process is killed (SIGKILL) while a VM is booting, a new worker
// process takes over, and the workflow completes with exactly one VM ever created. The worker's
// /metrics serves our families and the Temporal SDK's own.
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { provisionNode, provisionWorkflowId } from '../../src/workflows/provision-node';
import { createTestNamespace, eventually, kubeConfig } from '../support/cluster';
import { installCrds } from '../support/crds';
import {
  createNodeGroup,
  createVpsieNode,
  readStatus,
  startAutoscalerEnv,
  workerProcessEnv,
  type AutoscalerEnv,
} from '../support/autoscaler-env';
import { createTemporalEnv } from '../support/temporal';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const kc = kubeConfig();
let temporal: TestWorkflowEnvironment;
let env: AutoscalerEnv;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  await installCrds(kc);
  temporal = await createTemporalEnv();
  // Slow boots leave time to kill the worker while it waits for the VM.
  env = await startAutoscalerEnv({ provisioningDelayMs: 8_000 });
});

afterAll(async () => {
  for (const worker of workers) await worker.kill();
  await env?.sim.close();
  await temporal?.teardown();
});

test('a worker killed mid-provisioning is replaced and the node is provisioned exactly once', async () => {
  const namespace = await createTestNamespace(kc, 'crash');
  const taskQueue = `crash-${randomBytes(3).toString('hex')}`;
  const workerEnv = workerProcessEnv(temporal, env, taskQueue);
  const group = `crash-${randomBytes(3).toString('hex')}`;
  await createNodeGroup(kc, namespace, group);
  const name = `${group}-a`;
  await createVpsieNode(kc, namespace, name, group);

  const first = await startWorkerProcess(workerEnv);
  workers.push(first);
  const ref = { namespace, name };
  const handle = await temporal.client.workflow.start(provisionNode, {
    workflowId: provisionWorkflowId(ref),
    taskQueue,
    args: [ref],
  });
  // Kill the worker once the VM exists at VPSie but before it has booted.
  await eventually(
    'the VM to be created',
    async () => (env.sim.state.vmsByHostname(name).length === 1 ? true : undefined),
    60_000,
  );
  expect(env.sim.state.vmsByHostname(name)[0]!.phase).toBe('provisioning');
  await first.kill('SIGKILL');

  const second = await startWorkerProcess(workerEnv);
  workers.push(second);
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'Ready', nodeName: name });

  // Exactly one VM: the restarted steps looked the hostname up instead of creating again.
  expect(env.sim.state.vmsByHostname(name)).toHaveLength(1);
  expect(
    env.sim.requests.filter((r) => r.method === 'POST' && r.route === 'createVm'),
  ).toHaveLength(1);
  expect(await readStatus(kc, namespace, 'vpsienodes', name)).toMatchObject({ phase: 'Ready' });

  const metrics = await (await fetch(second.metricsUrl)).text();
  expect(metrics).toMatch(/^vpsie_autoscaler_vpsienode_phase_transitions_total\{/m);
  // The Temporal SDK's own worker metrics, proxied into the same endpoint.
  expect(metrics).toMatch(/^temporal_[a-z_]+/m);
});
