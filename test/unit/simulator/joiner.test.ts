// The joiner's sequencing against an in-memory cluster: what it checks before registering, how
// it registers or re-registers a Node, which failures it retries (and how many times), and how
// it stops a deleted VM's heartbeat. The real API server is exercised by
// test/cluster/simulator-join.test.ts; this covers what a real cluster will not do on demand.
import type { V1Node, V1NodeStatus, V1Secret } from '@kubernetes/client-node';
import { createLogger } from '../../../src/logging/logger';
import {
  KWOK_ANNOTATION,
  NEVER_JOINS_REASON,
  SIM_DATACENTERS,
  SIM_OS_IMAGES,
  SIM_PLANS,
  SimulatorState,
} from '../../../src/simulator';
import type { ClusterApi } from '../../../src/simulator/cluster-join/cluster-api';
import {
  ClusterJoiner,
  type ClusterJoinerOptions,
} from '../../../src/simulator/cluster-join/joiner';
import { CA, CA_PIN } from './cluster-join-fixtures';

const ENDPOINT = 'api.cluster.test:6443';
const TOKEN = 'abcdef.0123456789abcdef';

function apiError(code: number, message: string): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}\nMessage: Unknown API Status Code!`), {
    code,
    body: JSON.stringify({ kind: 'Status', message }),
  });
}

/** Nodes and Secrets in memory, with queued failures per method and a log of every call. */
class FakeCluster implements ClusterApi {
  readonly nodes = new Map<string, V1Node>();
  readonly secrets = new Map<string, V1Secret>();
  readonly calls: string[] = [];
  readonly failures: Partial<Record<keyof ClusterApi, unknown[]>> = {};
  /** Runs after each status patch (e.g. a late kwok write). */
  afterStatusPatch?: (node: V1Node) => void;

  async readBootstrapTokenSecret(name: string) {
    this.record('readBootstrapTokenSecret', name);
    return this.secrets.get(name);
  }

  async readNode(name: string) {
    this.record('readNode', name);
    const node = this.nodes.get(name);
    return node && structuredClone(node);
  }

  async createNode(node: V1Node) {
    this.record('createNode', node.metadata!.name!);
    if (this.nodes.has(node.metadata!.name!)) return 'exists' as const;
    this.nodes.set(node.metadata!.name!, structuredClone(node));
    return 'created' as const;
  }

  async patchNode(name: string, patch: object) {
    this.record('patchNode', name);
    const node = this.nodes.get(name)!;
    const { labels, annotations } = (patch as { metadata: Record<string, object> }).metadata;
    node.metadata = {
      ...node.metadata,
      labels: mergePatch(node.metadata?.labels, labels),
      annotations: mergePatch(node.metadata?.annotations, annotations),
    };
  }

  async patchNodeStatus(name: string, status: V1NodeStatus) {
    this.record('patchNodeStatus', name);
    const node = this.nodes.get(name)!;
    const conditions = [...(node.status?.conditions ?? [])];
    for (const condition of status.conditions ?? []) {
      const at = conditions.findIndex((c) => c.type === condition.type);
      if (at >= 0) conditions[at] = condition;
      else conditions.push(condition);
    }
    node.status = { ...node.status, ...status, conditions };
    this.afterStatusPatch?.(node);
  }

  /** What kwok does for a Node it manages. */
  markReady(name: string) {
    const node = this.nodes.get(name)!;
    node.status = { ...node.status, conditions: [{ type: 'Ready', status: 'True' }] };
  }

  private record(method: keyof ClusterApi, name: string) {
    this.calls.push(`${method} ${name}`);
    const failure = this.failures[method]?.shift();
    if (failure) throw failure;
  }
}

function mergePatch(
  current: Record<string, string> | undefined,
  patch: object | undefined,
): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete merged[key];
    else merged[key] = value as string;
  }
  return merged;
}

function bootstrapSecret(): V1Secret {
  const data = {
    'token-id': 'abcdef',
    'token-secret': '0123456789abcdef',
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
  };
  return {
    type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
  };
}

function userData(options: { endpoint?: string; name?: string; extra?: string[] } = {}): string {
  return [
    '#cloud-config',
    'write_files:',
    '  - path: /etc/kubernetes/join.yaml',
    '    content: |',
    '      apiVersion: kubeadm.k8s.io/v1beta4',
    '      kind: JoinConfiguration',
    '      discovery:',
    '        bootstrapToken:',
    `          apiServerEndpoint: ${options.endpoint ?? ENDPOINT}`,
    `          token: ${TOKEN}`,
    `          caCertHashes: [${CA_PIN}]`,
    '      nodeRegistration:',
    ...(options.name ? [`        name: ${options.name}`] : []),
    '        taints: [{key: dedicated, value: ci, effect: NoSchedule}]',
    '        kubeletExtraArgs: [{name: node-labels, value: "pool=ci"}]',
    ...(options.extra ?? []),
    'runcmd:',
    '  - [kubeadm, join, --config, /etc/kubernetes/join.yaml]',
  ].join('\n');
}

function setup(options: Partial<ClusterJoinerOptions> = {}) {
  const state = new SimulatorState({ now: () => 1_000_000, provisioningDelayMs: 0 });
  const api = new FakeCluster();
  api.secrets.set('bootstrap-token-abcdef', bootstrapSecret());
  const lines: string[] = [];
  const joiner = new ClusterJoiner(state, {
    api,
    endpoint: ENDPOINT,
    caPem: CA,
    logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    heartbeatSettle: { checks: 1, intervalMs: 1 },
    ...options,
  }).start();
  const boot = async (hostname: string, data = userData(), traits = {}) => {
    const vm = state.createVm(
      {
        hostname,
        projectId: 1,
        resourceIdentifier: SIM_PLANS.small,
        osIdentifier: SIM_OS_IMAGES.ubuntu2204,
        dcIdentifier: SIM_DATACENTERS.newYork,
        userData: data,
      },
      traits,
    );
    await joiner.settled();
    return vm;
  };
  return { state, api, joiner, boot, lines };
}

afterEach(() => jest.useRealTimers());

test('a booted VM registers its Node: kubelet labels, requested labels and taints, plan resources', async () => {
  const { api, boot, lines } = setup();
  const vm = await boot('ci-1');
  expect(vm.join).toEqual({ state: 'joined', nodeName: 'ci-1', at: 1_000_000, adopted: false });
  expect(api.calls).toEqual([
    'readBootstrapTokenSecret bootstrap-token-abcdef', // discovery (signing)
    'readBootstrapTokenSecret bootstrap-token-abcdef', // TLS bootstrap (authentication)
    'readNode ci-1',
    'createNode ci-1',
  ]);
  const node = api.nodes.get('ci-1')!;
  expect(node.metadata).toEqual({
    name: 'ci-1',
    labels: {
      pool: 'ci',
      'kubernetes.io/hostname': 'ci-1',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'beta.kubernetes.io/arch': 'amd64',
      'node.kubernetes.io/instance-type': SIM_PLANS.small,
    },
    annotations: { [KWOK_ANNOTATION]: 'fake' },
  });
  expect(node.spec).toEqual({ taints: [{ key: 'dedicated', value: 'ci', effect: 'NoSchedule' }] });
  expect(node.status?.capacity).toEqual({ cpu: '2', memory: '4096Mi', pods: '110' });
  expect(node.status?.addresses).toEqual([
    { type: 'InternalIP', address: vm.privateIp },
    { type: 'Hostname', address: 'ci-1' },
  ]);
  expect(lines.join('\n')).toMatch(/simulated VM joined the cluster/);
  expect(lines.join('\n')).not.toContain('0123456789abcdef');
});

test('the node name is nodeRegistration.name, else the hostname cloud-init set, lowercased', async () => {
  const { api, boot } = setup();
  await boot('vm-a', userData({ name: 'named-node' }));
  await boot('VM-B', userData());
  await boot(
    'vm-c',
    userData().replace('#cloud-config', '#cloud-config\nhostname: Set-By-Cloud-Init'),
  );
  expect([...api.nodes.keys()]).toEqual(['named-node', 'vm-b', 'set-by-cloud-init']);
});

test('transient API errors are retried; the join goes through', async () => {
  const { api, boot } = setup();
  api.failures.createNode = [apiError(503, 'etcd leader changed'), new Error('socket hang up')];
  const vm = await boot('ci-2');
  expect(vm.join).toMatchObject({ state: 'joined' });
  expect(api.calls.filter((c) => c.startsWith('createNode'))).toHaveLength(3);
});

test('retries are bounded: a cluster that keeps failing is a recorded failure', async () => {
  const { api, boot } = setup();
  api.failures.readNode = [1, 2, 3, 4].map(() => apiError(500, 'storage is unavailable'));
  const vm = await boot('ci-3');
  expect(vm.join).toMatchObject({ state: 'failed', reason: 'API error: storage is unavailable' });
  expect(api.calls.filter((c) => c.startsWith('readNode'))).toHaveLength(3);
  expect(api.nodes.size).toBe(0);
});

test('a refusal (403) is not retried', async () => {
  const { api, boot } = setup();
  api.failures.readBootstrapTokenSecret = [apiError(403, 'secrets is forbidden')];
  const vm = await boot('ci-4');
  expect(vm.join).toMatchObject({ state: 'failed', reason: 'API error: secrets is forbidden' });
  expect(api.calls).toEqual(['readBootstrapTokenSecret bootstrap-token-abcdef']);
});

test('a Node of that name that is not Ready is adopted: status first, then labels and kwok', async () => {
  const { api, boot } = setup();
  api.nodes.set('ci-5', {
    metadata: { name: 'ci-5', labels: { pool: 'old', 'node.kubernetes.io/instance-type': 'x' } },
    spec: { taints: [{ key: 'old', effect: 'NoSchedule' }] },
    status: { capacity: { cpu: '64' }, conditions: [{ type: 'Ready', status: 'Unknown' }] },
  });
  const vm = await boot('ci-5');
  expect(vm.join).toMatchObject({ state: 'joined', nodeName: 'ci-5', adopted: true });
  expect(api.calls.slice(-3)).toEqual([
    'createNode ci-5',
    'patchNodeStatus ci-5',
    'patchNode ci-5',
  ]);
  const node = api.nodes.get('ci-5')!;
  expect(node.metadata?.annotations).toEqual({ [KWOK_ANNOTATION]: 'fake' });
  // Kubelet-owned labels refreshed; --node-labels and taints are only applied at creation.
  expect(node.metadata?.labels).toMatchObject({
    pool: 'old',
    'node.kubernetes.io/instance-type': SIM_PLANS.small,
  });
  expect(node.spec?.taints).toEqual([{ key: 'old', effect: 'NoSchedule' }]);
  expect(node.status?.capacity).toEqual({ cpu: '2', memory: '4096Mi', pods: '110' });
});

test('a Ready Node of that name belongs to another machine: kubeadm refuses to join', async () => {
  const { api, boot } = setup();
  api.nodes.set('ci-6', { metadata: { name: 'ci-6' } });
  api.markReady('ci-6');
  const vm = await boot('ci-6');
  expect(vm.join).toMatchObject({
    state: 'failed',
    reason: 'a Node with name "ci-6" and status "Ready" already exists in the cluster',
  });
  expect(api.calls).not.toContain('createNode ci-6');
});

test('an endpoint that is not the cluster fails the join, unless it is a known alias', async () => {
  const elsewhere = setup();
  const vm = await elsewhere.boot('ci-7', userData({ endpoint: '10.9.9.9:6443' }));
  expect(vm.join).toMatchObject({
    state: 'failed',
    reason: `kubeadm cannot reach an API server at 10.9.9.9:6443 (the cluster is at ${ENDPOINT})`,
  });
  expect(elsewhere.api.calls).toEqual([]);

  const aliased = setup({ extraEndpoints: ['10.9.9.9:6443'] });
  const joined = await aliased.boot('ci-7', userData({ endpoint: '10.9.9.9:6443' }));
  expect(joined.join).toMatchObject({ state: 'joined' });
});

test('never-join VMs, user-data without a join, and refused joins make no API call', async () => {
  const { api, boot } = setup();
  const faulty = await boot('ci-8', userData(), { neverJoins: true });
  const plain = await boot('ci-9', '#cloud-config\npackages: [htop]\n');
  const refused = await boot(
    'ci-10',
    userData({
      extra: [
        '        kubeletExtraArgs: [{name: node-labels, value: "node-role.kubernetes.io/x="}]',
      ],
    }),
  );
  expect(faulty.join).toMatchObject({ state: 'not-attempted', reason: NEVER_JOINS_REASON });
  expect(plain.join).toMatchObject({
    state: 'not-attempted',
    reason: 'nothing in the user-data runs kubeadm join',
  });
  expect(refused.join).toMatchObject({
    state: 'failed',
    reason: expect.stringMatching(/kubelet refuses to start/),
  });
  expect(api.calls).toEqual([]);
});

test('deleting a joined VM hands its Node back from kwok and marks it Unknown, even after a late kwok write', async () => {
  const { state, api, boot, joiner } = setup();
  const vm = await boot('ci-11');
  api.markReady('ci-11');
  // kwok had a write in flight when it let go: the first Unknown is overwritten once.
  let lateWrites = 1;
  api.afterStatusPatch = (node) => {
    if (lateWrites-- > 0) node.status!.conditions = [{ type: 'Ready', status: 'True' }];
  };
  state.deleteVm(vm.identifier, 'scale-down', '');
  await joiner.settled();

  const node = api.nodes.get('ci-11')!;
  expect(node.metadata?.annotations).toEqual({});
  expect(node.status?.conditions).toEqual([
    expect.objectContaining({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    }),
  ]);
  expect(api.calls.filter((c) => c === 'patchNodeStatus ci-11')).toHaveLength(2);
  expect(vm.join).toMatchObject({ state: 'joined', heartbeatStoppedAt: 1_000_000 });
});

test('a VM deleted while its kubelet is starting never registers', async () => {
  const { state, api, joiner } = setup({ joinDelayMs: 50 });
  const vm = state.createVm({
    hostname: 'ci-12',
    projectId: 1,
    resourceIdentifier: SIM_PLANS.small,
    osIdentifier: SIM_OS_IMAGES.ubuntu2204,
    dcIdentifier: SIM_DATACENTERS.newYork,
    userData: userData(),
  });
  expect(vm.join).toMatchObject({ state: 'joining' });
  state.deleteVm(vm.identifier, 'scale-down', '');
  await joiner.settled();
  expect(vm.join).toMatchObject({
    state: 'failed',
    reason: 'the VM was deleted before its kubelet registered',
  });
  expect(api.nodes.size).toBe(0);
});

test('stop() cuts a slow join short and stops listening', async () => {
  const { state, api, joiner } = setup({ joinDelayMs: 60_000 });
  const input = {
    projectId: 1,
    resourceIdentifier: SIM_PLANS.small,
    osIdentifier: SIM_OS_IMAGES.ubuntu2204,
    dcIdentifier: SIM_DATACENTERS.newYork,
    userData: userData(),
  };
  const slow = state.createVm({ ...input, hostname: 'ci-13' });
  const started = Date.now();
  await joiner.stop();
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(slow.join).toMatchObject({ state: 'failed' });
  const later = state.createVm({ ...input, hostname: 'ci-14' });
  expect(later.join).toBeUndefined();
  expect(api.nodes.size).toBe(0);
});
