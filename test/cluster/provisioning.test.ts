// A full provisioning on real components: Temporal dev server, the control plane with kwok, and
// the VPSie simulator whose VMs join the cluster. VPSieNode created -> VM running -> Node joins
// with the group's labels and taints -> VPSieNode Ready; and the failure paths.
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { FINALIZERS, LABELS } from '../../src/apis/v1alpha1';
import { SearchAttributes } from '../../src/temporal/search-attributes';
import {
  provisionNode,
  provisionWorkflowId,
  provisioningStatusQuery,
} from '../../src/workflows/provision-node';
import { SIM_SSH_KEYS } from '../../src/simulator/catalogue';
import { createTestNamespace, eventually, kubeConfig } from '../support/cluster';
import { installCrds } from '../support/crds';
import { saveHistory } from '../support/histories';
import {
  createNodeGroup,
  createVpsieNode,
  opensshEd25519,
  readSpec,
  readStatus,
  startAutoscalerEnv,
  startTestWorker,
  type AutoscalerEnv,
} from '../support/autoscaler-env';
import { createTemporalEnv } from '../support/temporal';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const taskQueue = `provisioning-${randomBytes(3).toString('hex')}`;
let temporal: TestWorkflowEnvironment;
let env: AutoscalerEnv;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let namespace: string;

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'provision');
  temporal = await createTemporalEnv();
  env = await startAutoscalerEnv();
  worker = await startTestWorker(temporal, env, taskQueue);
});

afterAll(async () => {
  await worker?.stop();
  await env?.sim.close();
  await temporal?.teardown();
});

const nodeName = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

async function provision(name: string) {
  const ref = { namespace, name };
  const options = {
    workflowId: provisionWorkflowId(ref),
    taskQueue,
    args: [ref] as [typeof ref],
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
  };
  const first = await temporal.client.workflow.start(provisionNode, options);
  // A restarted controller starting the same node again attaches to the running workflow.
  const second = await temporal.client.workflow.start(provisionNode, options);
  expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
  return first;
}

test('a VPSieNode becomes a Ready node with the group labels, taints and SSH keys', async () => {
  const group = nodeName('web');
  const adminKey = opensshEd25519('admin@example');
  await createNodeGroup(kc, namespace, group, {
    labels: { tier: 'web' },
    taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
    sshKeyIds: [SIM_SSH_KEYS.ci],
    sshPublicKeys: [adminKey],
  });
  const name = nodeName(group);
  await createVpsieNode(kc, namespace, name, group);

  const handle = await provision(name);
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'Ready', nodeName: name });

  // The Node joined through the simulator's kubeadm check, with what cloud-init asked for.
  const node = await core.readNode({ name });
  expect(node.metadata?.labels).toMatchObject({
    tier: 'web',
    [LABELS.managed]: 'true',
    [LABELS.nodeGroup]: group,
    [LABELS.vpsieNode]: name,
  });
  expect(node.spec?.taints).toEqual(
    expect.arrayContaining([{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }]),
  );
  expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  // Deleting the Node will go through the scale-down workflow, never orphaning the VM.
  expect(node.metadata?.finalizers).toContain(FINALIZERS.node);

  // Exactly one VM, which received every key: ids through the API, public keys in cloud-init.
  const vms = env.sim.state.vmsByHostname(name);
  expect(vms).toHaveLength(1);
  const vm = vms[0]!;
  expect(vm.identifier).toBe(result.vmId);
  expect([vm.createRequest.sshKeyIdentifier, ...vm.attachedSshKeyIds].sort()).toEqual(
    [SIM_SSH_KEYS.ops, SIM_SSH_KEYS.ci].sort(),
  );
  const received = (vm as unknown as { received?: { cloudInitAuthorizedKeys: string[] } }).received;
  expect(received?.cloudInitAuthorizedKeys).toEqual(expect.arrayContaining([adminKey]));
  const opsKey = env.sim.state.sshKey(SIM_SSH_KEYS.ops)!;
  expect(received?.cloudInitAuthorizedKeys.map((k) => k.split(' ')[1])).toContain(
    opsKey.publicKey.split(' ')[1],
  );

  // Status followed each step.
  const status = await readStatus(kc, namespace, 'vpsienodes', name);
  expect(status).toMatchObject({ phase: 'Ready', nodeName: name });
  const spec = await readSpec(kc, namespace, 'vpsienodes', name);
  expect(spec).toMatchObject({ vpsID: vm.identifier, privateIpAddress: vm.privateIp });
  for (const stamp of ['createdAt', 'provisionedAt', 'joinedAt', 'readyAt']) {
    expect(status[stamp]).toEqual(expect.any(String));
  }
  // The one-time join token and the rendered user-data are gone.
  const secrets = await core.listNamespacedSecret({
    namespace: 'kube-system',
    labelSelector: `${LABELS.vpsieNode}=${name}`,
  });
  expect(secrets.items).toHaveLength(0);
  await expect(
    core.readNamespacedSecret({ name: `${name}-user-data`, namespace }),
  ).rejects.toMatchObject({
    code: 404,
  });

  expect(await handle.query(provisioningStatusQuery)).toMatchObject({
    step: 'done',
    phase: 'Ready',
  });
  const found = await eventually('visibility of the workflow by node group', async () => {
    const ids: string[] = [];
    for await (const wf of temporal.client.workflow.list({
      query: `${SearchAttributes.nodeGroup.name} = "${namespace}/${group}" AND ${SearchAttributes.phase.name} = "Ready"`,
    })) {
      ids.push(wf.workflowId);
    }
    return ids.length > 0 ? ids : undefined;
  });
  expect(found).toEqual([provisionWorkflowId({ namespace, name })]);

  const metricsText = await env.registry.metrics();
  expect(metricsText).toMatch(
    new RegExp(
      `vpsie_autoscaler_node_provisioning_duration_seconds_count\\{[^}]*nodegroup="${group}"[^}]*result="success"[^}]*\\} 1`,
    ),
  );
  expect(metricsText).toMatch(
    /vpsie_autoscaler_vpsienode_phase_transitions_total\{[^}]*to_phase="Ready"/,
  );

  await saveHistory(handle, 'provision-node-ready');
});

test('a quota error fails the node at once, with no VM left and the group backing off', async () => {
  const group = nodeName('quota');
  await createNodeGroup(kc, namespace, group);
  const name = nodeName(group);
  await createVpsieNode(kc, namespace, name, group);
  env.sim.faults.quotaOnCreate({ count: 1 });

  const handle = await provision(name);
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'Failed', reason: 'quota' });
  await saveHistory(handle, 'provision-node-quota');
  expect(env.sim.state.vmsByHostname(name)).toHaveLength(0);
  expect(await readStatus(kc, namespace, 'vpsienodes', name)).toMatchObject({
    phase: 'Failed',
    failureReason: 'QuotaExceeded',
  });
  const groupStatus = await readStatus(kc, namespace, 'nodegroups', group);
  expect(groupStatus.backoff).toMatchObject({ consecutiveFailures: 1 });
});

test('a VM that never joins is deleted and the VPSieNode is Failed with JoinTimeout', async () => {
  const group = nodeName('nojoin');
  await createNodeGroup(kc, namespace, group, { provisioning: { nodeReadyTimeoutSeconds: 60 } });
  const name = nodeName(group);
  await createVpsieNode(kc, namespace, name, group);
  env.sim.faults.vmsNeverJoin(1);

  const result = await (await provision(name)).result();
  expect(result).toMatchObject({ outcome: 'Failed', reason: 'join_timeout' });
  // Compensation deleted the VM that booted but never joined.
  expect(env.sim.state.vmsByHostname(name)).toHaveLength(0);
  expect(env.sim.state.deletedVms().map((vm) => vm.hostname)).toContain(name);
  expect(await readStatus(kc, namespace, 'vpsienodes', name)).toMatchObject({
    phase: 'Failed',
    failureReason: 'JoinTimeout',
  });
  const events = await kc.makeApiClient(k8s.EventsV1Api).listNamespacedEvent({ namespace });
  expect(events.items.some((e) => e.regarding?.name === name && e.reason === 'JoinTimeout')).toBe(
    true,
  );
});
