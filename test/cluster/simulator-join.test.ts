// The VPSie simulator joining its VMs to a real control plane. VMs are created through the real
// client over HTTP; the simulator reads their cloud-config, checks the bootstrap token against a
// real bootstrap-token Secret and the CA pin against the cluster's CA, and registers a Node that
// kwok keeps Ready. Deleting the VM stops the Node's heartbeat (Ready goes Unknown, kwok lets go)
// but leaves the Node, as a cloud without a cloud-controller-manager does.
import * as k8s from '@kubernetes/client-node';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_SIMULATOR_TOKEN,
  KWOK_ANNOTATION,
  SIM_DATACENTERS,
  SIM_OS_IMAGES,
  SIM_PLANS,
  SIM_SSH_KEYS,
  startVpsieSimulator,
  type SimVm,
  type VpsieSimulator,
} from '../../src/simulator';
import { createLogger } from '../../src/logging/logger';
import { VpsieClient } from '../../src/vpsie/client';
import type { CreateVmRequest } from '../../src/vpsie/types';
import { eventually, kubeConfig, testCluster } from '../support/cluster';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const cluster = testCluster();
const endpoint = new URL(cluster.apiServerUrl).host;

const KEY_FOR_DEFAULT_USER =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHd9cqhzlYDy7ahTVV0ihIkKMr2sUXfPa+kpZ1zS2Rk9 admin@example.com';
const KEY_FOR_DEPLOY_USER =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBdjXn3NoMhmlA2YxW51PjR3dZoN2O6Kxv1ZeJk4e2eJ deploy@example.com';

const suffix = () => randomBytes(3).toString('hex');
const randomToken = (length: number) => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
};

// Computed here, not with the simulator's helper: the pin must match what kubeadm computes.
const caPin = (() => {
  const cert = new X509Certificate(readFileSync(cluster.caFile));
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
})();

const tokenId = randomToken(6);
const tokenSecret = randomToken(16);
const token = `${tokenId}.${tokenSecret}`;

let sim: VpsieSimulator;
let client: VpsieClient;
const nodes: string[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  // What `kubeadm token create` makes: the Secret the API server and bootstrap signer read.
  await core.createNamespacedSecret({
    namespace: 'kube-system',
    body: {
      metadata: { name: `bootstrap-token-${tokenId}` },
      type: 'bootstrap.kubernetes.io/token',
      stringData: {
        'token-id': tokenId,
        'token-secret': tokenSecret,
        expiration: new Date(Date.now() + 60 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        'usage-bootstrap-authentication': 'true',
        'usage-bootstrap-signing': 'true',
        'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
      },
    },
  });
  sim = await startVpsieSimulator({
    provisioningDelayMs: 300,
    tickMs: 10,
    cluster: { kubeconfigPath: cluster.kubeconfig },
    logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
  });
  client = new VpsieClient({
    baseUrl: sim.url,
    credentials: { kind: 'token', token: DEFAULT_SIMULATOR_TOKEN },
    retry: { baseDelayMs: 1, maxDelayMs: 20, jitter: 0 },
    findAfterCreate: { attempts: 3, delayMs: 5 },
    rateLimit: { requestsPerMinute: 60_000, burst: 1000 },
  });
});

afterAll(async () => {
  await sim?.close();
  if (process.env.SIMJOIN_DEBUG) process.stderr.write(logLines.join('\n') + '\n');
  for (const name of nodes) await core.deleteNode({ name }).catch(() => undefined);
  await core
    .deleteNamespacedSecret({ name: `bootstrap-token-${tokenId}`, namespace: 'kube-system' })
    .catch(() => undefined);
});

interface JoinOptions {
  nodeName: string;
  token?: string;
  caCertHash?: string;
  labels?: string;
  taints?: Array<{ key: string; value?: string; effect: string }>;
}

/** A cloud-config as a node template would render it: keys, a JoinConfiguration, runcmd. */
function cloudConfig(options: JoinOptions): string {
  const join = [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: JoinConfiguration',
    'discovery:',
    '  bootstrapToken:',
    `    apiServerEndpoint: "${endpoint}"`,
    `    token: "${options.token ?? token}"`,
    `    caCertHashes: ["${options.caCertHash ?? caPin}"]`,
    'nodeRegistration:',
    `  name: "${options.nodeName}"`,
    `  taints: ${JSON.stringify(options.taints ?? [])}`,
    ...(options.labels
      ? ['  kubeletExtraArgs:', '    - name: node-labels', `      value: "${options.labels}"`]
      : []),
  ];
  return [
    '#cloud-config',
    `hostname: ${options.nodeName}`,
    `ssh_authorized_keys: ["${KEY_FOR_DEFAULT_USER}"]`,
    'users:',
    '  - default',
    '  - name: deploy',
    `    ssh_authorized_keys: ["${KEY_FOR_DEPLOY_USER}"]`,
    'write_files:',
    '  - path: /etc/kubernetes/kubeadm-join.yaml',
    '    permissions: "0600"',
    '    content: |',
    ...join.map((line) => `      ${line}`),
    'runcmd:',
    '  - [kubeadm, join, --config, /etc/kubernetes/kubeadm-join.yaml]',
    '',
  ].join('\n');
}

function vmRequest(hostname: string, userData: string, extra: Partial<CreateVmRequest> = {}) {
  return {
    hostname,
    offeringId: SIM_PLANS.medium,
    osIdentifier: SIM_OS_IMAGES.ubuntu2204,
    datacenterId: SIM_DATACENTERS.newYork,
    projectId: '42',
    sshKeyIds: [],
    userData,
    ...extra,
  };
}

async function createVm(request: CreateVmRequest): Promise<SimVm> {
  nodes.push(request.hostname);
  const vm = await client.createVm(request);
  return sim.state.vm(vm.identifier)!;
}

/** Waits until the VM's join has an outcome (anything but "joining"). */
async function joinOutcome(vm: SimVm) {
  return eventually(`a join outcome for ${vm.hostname}`, async () =>
    vm.join && vm.join.state !== 'joining' ? vm.join : undefined,
  );
}

async function readNodeOrUndefined(name: string) {
  return core.readNode({ name }).catch((error: { code?: number }) => {
    if (error.code === 404) return undefined;
    throw error;
  });
}

/** A binary memory quantity (the API server may rewrite 8192Mi as 8Gi) in MiB. */
function mebibytes(quantity: string): number {
  const found = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!found) throw new Error(`unexpected memory quantity ${quantity}`);
  const scale = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[found[2] as 'Ki'];
  return Number(found[1]) * scale;
}

const ready = (node: k8s.V1Node) => node.status?.conditions?.find((c) => c.type === 'Ready');

// kwok can be slow to notice a Node: when its watches break it relies on relists, which back
// off to tens of seconds. Allow for that rather than fail on kwok's timing.
const KWOK_READY_TIMEOUT_MS = 120_000;

async function readyNode(name: string) {
  return eventually(
    `Node ${name} Ready`,
    async () => {
      const node = await readNodeOrUndefined(name);
      return node && ready(node)?.status === 'True' ? node : undefined;
    },
    KWOK_READY_TIMEOUT_MS,
  );
}

test('a VM with a valid JoinConfiguration registers a Node that kwok keeps Ready, labelled and tainted as asked', async () => {
  const name = `sj-ok-${suffix()}`;
  const vm = await createVm(
    vmRequest(
      name,
      cloudConfig({
        nodeName: name,
        labels: `autoscaler.vpsie.com/nodegroup=general,tier=web`,
        taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
      }),
      { sshKeyIds: [SIM_SSH_KEYS.ops, SIM_SSH_KEYS.ci] },
    ),
  );

  const node = await readyNode(name);
  expect(node.metadata?.labels).toMatchObject({
    'autoscaler.vpsie.com/nodegroup': 'general',
    tier: 'web',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'node.kubernetes.io/instance-type': SIM_PLANS.medium,
  });
  expect(node.spec?.taints).toEqual(
    expect.arrayContaining([{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }]),
  );
  expect(node.metadata?.annotations?.[KWOK_ANNOTATION]).toBe('fake');
  // The medium plan: 4 vCPU / 8192 MB.
  for (const resources of [node.status?.capacity, node.status?.allocatable]) {
    expect(resources).toMatchObject({ cpu: '4', pods: '110' });
    expect(mebibytes(resources!.memory!)).toBe(8192);
  }
  expect(node.status?.addresses).toEqual(
    expect.arrayContaining([{ type: 'InternalIP', address: vm.privateIp }]),
  );

  expect(vm.join).toMatchObject({ state: 'joined', nodeName: name, adopted: false });
  expect(vm.received).toMatchObject({
    apiSshKeyIds: [SIM_SSH_KEYS.ops, SIM_SSH_KEYS.ci],
    cloudInitAuthorizedKeys: [KEY_FOR_DEFAULT_USER, KEY_FOR_DEPLOY_USER],
    cloudInitAuthorizedKeysByUser: {
      default: [KEY_FOR_DEFAULT_USER],
      deploy: [KEY_FOR_DEPLOY_USER],
    },
  });
  expect(vm.received!.apiSshPublicKeys).toHaveLength(2);
});

test('the flags form of kubeadm join in a runcmd string registers the Node under the hostname', async () => {
  const name = `sj-flags-${suffix()}`;
  const userData = [
    '#cloud-config',
    'runcmd:',
    `  - kubeadm join ${endpoint} --token ${token} --discovery-token-ca-cert-hash ${caPin} && echo joined`,
    '',
  ].join('\n');
  const vm = await createVm(vmRequest(name, userData, { offeringId: SIM_PLANS.small }));
  const node = await readyNode(name);
  expect(node.status?.capacity?.cpu).toBe('2');
  expect(mebibytes(node.status!.capacity!.memory!)).toBe(4096);
  expect(node.spec?.taints ?? []).not.toContainEqual(expect.objectContaining({ key: 'dedicated' }));
  expect(vm.join).toMatchObject({ state: 'joined', nodeName: name });
  expect(vm.received?.cloudInitAuthorizedKeys).toEqual([]);
});

test('a wrong token secret fails the join: no Node, and the reason is on the VM', async () => {
  const name = `sj-badtoken-${suffix()}`;
  const wrong = `${tokenId}.${randomToken(16)}`;
  const vm = await createVm(vmRequest(name, cloudConfig({ nodeName: name, token: wrong })));
  const outcome = await joinOutcome(vm);
  expect(outcome).toMatchObject({ state: 'failed' });
  expect(outcome.state === 'failed' && outcome.reason).toMatch(
    new RegExp(`bootstrap token "${tokenId}" does not match`),
  );
  expect(JSON.stringify(outcome)).not.toContain(tokenSecret);
  expect(await readNodeOrUndefined(name)).toBeUndefined();
});

test('an unknown token id fails the join the same way', async () => {
  const name = `sj-unknown-${suffix()}`;
  const vm = await createVm(
    vmRequest(name, cloudConfig({ nodeName: name, token: `${randomToken(6)}.${randomToken(16)}` })),
  );
  const outcome = await joinOutcome(vm);
  expect(outcome.state === 'failed' && outcome.reason).toMatch(/is unknown to the cluster/);
  expect(await readNodeOrUndefined(name)).toBeUndefined();
});

test('a CA hash that is not the cluster CA fails discovery: no Node', async () => {
  const name = `sj-badca-${suffix()}`;
  const vm = await createVm(
    vmRequest(name, cloudConfig({ nodeName: name, caCertHash: `sha256:${'ab'.repeat(32)}` })),
  );
  const outcome = await joinOutcome(vm);
  expect(outcome.state === 'failed' && outcome.reason).toMatch(/the cluster CA is not pinned/);
  expect(outcome.state === 'failed' && outcome.reason).toContain(caPin);
  expect(await readNodeOrUndefined(name)).toBeUndefined();
});

test('a never-join VM boots with its keys but no Node ever appears', async () => {
  const name = `sj-nojoin-${suffix()}`;
  sim.faults.vmsNeverJoin(1);
  const vm = await createVm(vmRequest(name, cloudConfig({ nodeName: name })));
  const outcome = await joinOutcome(vm);
  expect(vm.phase).toBe('running');
  expect(outcome).toMatchObject({ state: 'not-attempted', reason: expect.stringMatching(/fault/) });
  expect(vm.received?.cloudInitAuthorizedKeys).toContain(KEY_FOR_DEFAULT_USER);
  await sim.cluster!.settled();
  expect(await readNodeOrUndefined(name)).toBeUndefined();
});

test('a never-booting VM gets no Node and no join record', async () => {
  const name = `sj-noboot-${suffix()}`;
  sim.faults.vmsNeverBoot(1);
  const vm = await createVm(vmRequest(name, cloudConfig({ nodeName: name })));
  // Well past the 300 ms provisioning delay the other VMs boot after.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(vm.phase).toBe('provisioning');
  expect(vm.join).toBeUndefined();
  expect(vm.received).toBeUndefined();
  expect(await readNodeOrUndefined(name)).toBeUndefined();
});

test('deleting a joined VM stops its heartbeat: Ready goes Unknown, kwok lets go, the Node stays', async () => {
  const name = `sj-delete-${suffix()}`;
  const vm = await createVm(vmRequest(name, cloudConfig({ nodeName: name })));
  await readyNode(name);

  await client.deleteVm(vm.identifier, 'scale-down', 'test');
  await eventually('heartbeat stopped', async () =>
    vm.join?.state === 'joined' && vm.join.heartbeatStoppedAt !== undefined ? true : undefined,
  );
  const node = (await readNodeOrUndefined(name))!;
  expect(node).toBeDefined();
  expect(node.metadata?.annotations?.[KWOK_ANNOTATION]).toBeUndefined();
  expect(ready(node)).toMatchObject({
    status: 'Unknown',
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
  });

  // Nothing revives it: kwok no longer manages the Node, and it is not deleted.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const later = (await readNodeOrUndefined(name))!;
  expect(later).toBeDefined();
  expect(ready(later)?.status).toBe('Unknown');
});

test('a new VM under the name of a deleted one re-registers the existing Node, which turns Ready again', async () => {
  const name = `sj-again-${suffix()}`;
  const first = await createVm(
    vmRequest(name, cloudConfig({ nodeName: name, labels: 'generation=first' })),
  );
  await readyNode(name);
  await client.deleteVm(first.identifier, 'replace', 'test');
  await eventually('first heartbeat stopped', async () =>
    first.join?.state === 'joined' && first.join.heartbeatStoppedAt ? true : undefined,
  );

  const second = await createVm(
    vmRequest(name, cloudConfig({ nodeName: name, labels: 'generation=second' }), {
      offeringId: SIM_PLANS.large,
    }),
  );
  const outcome = await joinOutcome(second);
  expect(outcome).toMatchObject({ state: 'joined', nodeName: name, adopted: true });
  const node = await readyNode(name);
  expect(node.metadata?.annotations?.[KWOK_ANNOTATION]).toBe('fake');
  // The kubelet refreshes its own labels and status; --node-labels apply only at creation.
  expect(node.metadata?.labels).toMatchObject({
    generation: 'first',
    'node.kubernetes.io/instance-type': SIM_PLANS.large,
  });
  expect(node.status?.capacity?.cpu).toBe('8');
}, 300_000);

test('a second VM joining under the name of a Ready Node is refused, as kubeadm refuses it', async () => {
  const name = `sj-twin-${suffix()}`;
  const first = await createVm(vmRequest(name, cloudConfig({ nodeName: name })));
  await readyNode(name);
  const twin = await client.createVm(
    vmRequest(`${name}-twin`, cloudConfig({ nodeName: name, labels: 'twin=yes' })),
  );
  const outcome = await joinOutcome(sim.state.vm(twin.identifier)!);
  expect(outcome.state === 'failed' && outcome.reason).toMatch(
    new RegExp(`a Node with name "${name}" and status "Ready" already exists`),
  );
  const node = await readyNode(name);
  expect(node.metadata?.labels?.twin).toBeUndefined();
  expect(first.join).toMatchObject({ state: 'joined', nodeName: name });
}, 300_000);
