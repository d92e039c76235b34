// The drain activities against the real control plane: the scheduler keeps evicted pods off the
// cordoned node, the controller-manager recreates them and computes PDB status, the API server's
// Eviction API enforces the PDB and the grace period, kwok finishes the pods' deletion. The
// activities run outside a worker in MockActivityEnvironment, so heartbeats and cancellation
// are those of a real activity Context.
import * as k8s from '@kubernetes/client-node';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { createDrainActivities, type DrainHeartbeat } from '../../src/activities/scale-down';
import type { DrainLimits, ScaleDownTarget } from '../../src/activities/scale-down/types';
import { ANNOTATIONS, TAINTS } from '../../src/apis/v1alpha1';
import { createKubeClients, type KubeClients } from '../../src/kube/clients';
import { silentLogger } from '../../src/logging/logger';
import { createMetrics } from '../../src/metrics/recorders';
import {
  createReadyNode,
  createTestNamespace,
  eventually,
  fakeNode,
  kubeConfig,
  testCluster,
} from '../support/cluster';
import { histogramOf } from '../unit/metrics/support';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const policy = kc.makeApiClient(k8s.PolicyV1Api);

const suffix = () => randomBytes(3).toString('hex');
const createdNodes: string[] = [];
const NODE_GROUP = 'workers';
// kwok sees pod changes late here (its informer's watch stream is refused by this API server,
// so it catches up when it lists again): pods start, and finish deleting, up to a minute late.
const KWOK_WAIT_MS = 150_000;
const TEST_TIMEOUT_MS = 420_000;
const DRAIN_DURATION = 'vpsie_autoscaler_node_drain_duration_seconds';
const PODS_EVICTED = 'vpsie_autoscaler_node_drain_pods_evicted';

afterAll(async () => {
  for (const name of createdNodes) await core.deleteNode({ name }).catch(() => undefined);
});

/** Activities wired as the worker wires them (timings shortened), with their own registry. */
function drainEnv(kube: KubeClients = createKubeClients(testCluster().kubeconfig)) {
  const registry = new Registry();
  const activities = createDrainActivities({
    kube,
    metrics: createMetrics(registry, { processMetrics: false }),
    logger: silentLogger,
    pollIntervalMs: 250,
    evictionRetryMs: 500,
  });
  return { registry, activities };
}

/** Runs an activity in a fresh activity Context, recording its heartbeats. */
function inActivity() {
  // The SDK logs every failed activity at WARN; the tests assert the failures themselves.
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const heartbeats: DrainHeartbeat[] = [];
  env.on('heartbeat', (details: DrainHeartbeat) => heartbeats.push(details));
  // `env.run` cannot infer the result type from the function; this wrapper does.
  const run = <P extends unknown[], R>(fn: (...args: P) => Promise<R>, ...args: P) =>
    env.run<P, R, typeof fn>(fn, ...args);
  return { env, run, heartbeats };
}

async function createPoolNode(
  pool: string,
  spec: Pick<k8s.V1NodeSpec, 'taints' | 'unschedulable'> = {},
): Promise<string> {
  const name = `drain-node-${suffix()}`;
  const body = fakeNode(name, { cpu: '8', memory: '16Gi' }, { pool });
  body.spec = spec;
  createdNodes.push(name);
  return createReadyNode(kc, body);
}

function podTemplate(app: string, pool: string, grace?: number): k8s.V1PodTemplateSpec {
  return {
    metadata: { labels: { app } },
    spec: {
      nodeSelector: { pool },
      terminationGracePeriodSeconds: grace,
      containers: [
        { name: 'app', image: 'registry.local/app:1', resources: { requests: { cpu: '100m' } } },
      ],
    },
  };
}

async function createDeployment(namespace: string, app: string, pool: string, replicas: number) {
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: app },
      spec: { replicas, selector: { matchLabels: { app } }, template: podTemplate(app, pool) },
    },
  });
}

async function runningPodsOf(namespace: string, app: string, count: number, nodeName: string) {
  return eventually(
    `${count} running ${app} pods on ${nodeName}`,
    async () => {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
      const running = pods.items.filter(
        (p) => p.status?.phase === 'Running' && p.spec?.nodeName === nodeName,
      );
      return running.length === count ? running : undefined;
    },
    KWOK_WAIT_MS,
  );
}

async function podsOnNode(nodeName: string): Promise<k8s.V1Pod[]> {
  return (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${nodeName}` })).items;
}

async function createBlockingPdb(namespace: string, app: string, minAvailable: number) {
  await policy.createNamespacedPodDisruptionBudget({
    namespace,
    body: { metadata: { name: app }, spec: { minAvailable, selector: { matchLabels: { app } } } },
  });
  await eventually(`PDB ${app} evaluated with no disruptions allowed`, async () => {
    const pdb = await policy.readNamespacedPodDisruptionBudget({ name: app, namespace });
    return pdb.status?.currentHealthy === minAvailable && pdb.status.disruptionsAllowed === 0
      ? true
      : undefined;
  });
}

const ourTaint = (node: k8s.V1Node) =>
  node.spec?.taints?.filter((t) => t.key === TAINTS.toBeDeleted) ?? [];

test(
  'cordon, then drain evicts exactly the Deployment pods, leaves the DaemonSet pod, counts it',
  async () => {
    const namespace = await createTestNamespace(kc, 'drain-ok');
    const pool = `ok-${suffix()}`;
    const nodeName = await createPoolNode(pool);
    await apps.createNamespacedDaemonSet({
      namespace,
      body: {
        metadata: { name: 'agent' },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: podTemplate('agent', pool) },
      },
    });
    await createDeployment(namespace, 'web', pool, 3);
    const [daemonPod] = await runningPodsOf(namespace, 'agent', 1, nodeName);
    const webPods = await runningPodsOf(namespace, 'web', 3, nodeName);

    const { registry, activities } = drainEnv();
    const target: ScaleDownTarget = { namespace, nodeGroup: NODE_GROUP, nodeName };
    const limits: DrainLimits = {
      drainTimeoutSeconds: 150,
      maxTerminationGracePeriodSeconds: 5,
      retryDelaySeconds: 60,
    };
    await inActivity().run(activities.cordonNode, target);

    const cordoned = await core.readNode({ name: nodeName });
    expect(cordoned.spec?.unschedulable).toBe(true);
    expect(ourTaint(cordoned)).toEqual([
      { key: TAINTS.toBeDeleted, value: expect.stringMatching(/^\d+$/), effect: 'NoSchedule' },
    ]);
    expect(cordoned.metadata?.annotations).toMatchObject({
      [ANNOTATIONS.drainStatus]: 'draining',
      [ANNOTATIONS.drainStartTime]: expect.any(String),
      [ANNOTATIONS.unschedulableBeforeDrain]: 'false',
    });
    // Cordoning again is harmless: still one taint of ours.
    await inActivity().run(activities.cordonNode, target);
    expect(ourTaint(await core.readNode({ name: nodeName }))).toHaveLength(1);

    const { run, heartbeats } = inActivity();
    const result = await run(activities.drainNode, target, limits);
    expect(result.podsEvicted).toBe(3);
    expect(result.durationSeconds).toBeGreaterThan(0);

    // drainNode returned only once the evicted pods were gone; the DaemonSet pod is untouched.
    const left = await podsOnNode(nodeName);
    expect(left.map((p) => p.metadata?.uid)).toEqual([daemonPod!.metadata?.uid]);
    expect(left[0]!.metadata?.deletionTimestamp).toBeUndefined();
    const webNow = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    const oldUids = new Set(webPods.map((p) => p.metadata?.uid));
    expect(webNow.items.filter((p) => oldUids.has(p.metadata?.uid))).toEqual([]);

    // The ReplicaSet recreated them, and the scheduler will not put them on the cordoned node
    // (the only node their nodeSelector allows).
    const pending = await eventually(
      '3 replacement web pods judged unschedulable',
      async () => {
        const pods = (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items;
        const unschedulable = pods.filter((p) =>
          p.status?.conditions?.some(
            (c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable',
          ),
        );
        return unschedulable.length === 3 ? pods : undefined;
      },
      KWOK_WAIT_MS,
    );
    expect(pending.map((p) => p.spec?.nodeName)).toEqual([undefined, undefined, undefined]);

    expect(heartbeats.at(-1)).toEqual({
      phase: 'terminating',
      evicted: 3,
      remaining: 0,
      blockedByPdb: [],
    });
    expect(heartbeats).toContainEqual({
      phase: 'evicting',
      evicted: 3,
      remaining: 0,
      blockedByPdb: [],
    });
    const drained = await core.readNode({ name: nodeName });
    expect(drained.metadata?.annotations?.[ANNOTATIONS.drainStatus]).toBe('drained');

    const group = { nodegroup: NODE_GROUP, namespace };
    const evicted = await histogramOf(registry, PODS_EVICTED, group);
    expect({ count: evicted.count, sum: evicted.sum }).toEqual({ count: 1, sum: 3 });
    const success = await histogramOf(registry, DRAIN_DURATION, { ...group, status: 'success' });
    expect(success.count).toBe(1);
    expect(success.sum).toBeCloseTo(result.durationSeconds, 1);
    const timeouts = await histogramOf(registry, DRAIN_DURATION, { ...group, status: 'timeout' });
    expect(timeouts.count ?? 0).toBe(0);
  },
  TEST_TIMEOUT_MS,
);

test(
  'a PDB allowing no disruption times the drain out naming the PDB; uncordon restores the node',
  async () => {
    const namespace = await createTestNamespace(kc, 'drain-pdb');
    const pool = `pdb-${suffix()}`;
    const nodeName = await createPoolNode(pool);
    await createDeployment(namespace, 'db', pool, 2);
    const dbPods = await runningPodsOf(namespace, 'db', 2, nodeName);
    await createBlockingPdb(namespace, 'db', 2);

    const { registry, activities } = drainEnv();
    const target: ScaleDownTarget = { namespace, nodeGroup: NODE_GROUP, nodeName };
    await inActivity().run(activities.cordonNode, target);
    const { run, heartbeats } = inActivity();
    const started = Date.now();
    const failure = await run(activities.drainNode, target, {
      drainTimeoutSeconds: 5,
      retryDelaySeconds: 60,
      maxTerminationGracePeriodSeconds: 30,
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    const elapsedMs = Date.now() - started;

    expect(failure).toBeInstanceOf(ApplicationFailure);
    const appFailure = failure as ApplicationFailure;
    expect(appFailure.type).toBe('DrainTimeout');
    expect(appFailure.nonRetryable).toBe(true);
    const podKeys = dbPods.map((p) => `${namespace}/${p.metadata?.name}`).sort();
    expect(appFailure.message).toContain(`drain of node ${nodeName} did not finish within 5s`);
    expect(appFailure.message).toContain('2 pods not evicted');
    for (const key of podKeys) {
      expect(appFailure.message).toContain(
        `${key} (blocked by PodDisruptionBudget ${namespace}/db`,
      );
    }
    expect(appFailure.message).toContain('The disruption budget db needs 2 healthy pods');
    // It gave up at its deadline (5 s after the cordon), not much later.
    expect(elapsedMs).toBeLessThan(15_000);
    expect(heartbeats.length).toBeGreaterThan(2);
    expect(heartbeats.at(-1)).toEqual({
      phase: 'evicting',
      evicted: 0,
      remaining: 2,
      blockedByPdb: podKeys,
    });

    // Nothing was evicted: both pods still run on the node.
    const still = await podsOnNode(nodeName);
    expect(still.map((p) => p.metadata?.uid).sort()).toEqual(
      dbPods.map((p) => p.metadata?.uid).sort(),
    );
    expect(still.every((p) => p.metadata?.deletionTimestamp === undefined)).toBe(true);

    const group = { nodegroup: NODE_GROUP, namespace };
    const timeouts = await histogramOf(registry, DRAIN_DURATION, { ...group, status: 'timeout' });
    expect(timeouts.count).toBe(1);
    expect(timeouts.sum).toBeGreaterThanOrEqual(4);
    const evicted = await histogramOf(registry, PODS_EVICTED, group);
    expect({ count: evicted.count, sum: evicted.sum }).toEqual({ count: 1, sum: 0 });

    await inActivity().run(activities.uncordonNode, target);
    const restored = await core.readNode({ name: nodeName });
    expect(restored.spec?.unschedulable).toBeFalsy();
    expect(ourTaint(restored)).toEqual([]);
    expect(Object.keys(restored.metadata?.annotations ?? {})).not.toEqual(
      expect.arrayContaining([ANNOTATIONS.drainStatus]),
    );
    expect(restored.metadata?.annotations?.[ANNOTATIONS.drainStartTime]).toBeUndefined();
    expect(restored.metadata?.annotations?.[ANNOTATIONS.unschedulableBeforeDrain]).toBeUndefined();
    // Uncordoning twice is harmless.
    await inActivity().run(activities.uncordonNode, target);
  },
  TEST_TIMEOUT_MS,
);

test(
  'the eviction caps the grace period: a 300 s pod is deleted with 5 s',
  async () => {
    const namespace = await createTestNamespace(kc, 'drain-grace');
    const pool = `grace-${suffix()}`;
    const nodeName = await createPoolNode(pool);
    await core.createNamespacedPod({
      namespace,
      body: {
        ...podTemplate('slow', pool, 300),
        metadata: { name: 'slow', labels: { app: 'slow' } },
      },
    });
    const [slow] = await runningPodsOf(namespace, 'slow', 1, nodeName);

    // kwok finishes the deletion soon after, so the pod's deletion is observed through a watch
    // started at the version we read: every change after it arrives, in order.
    const seen: k8s.V1Pod[] = [];
    const watch = await new k8s.Watch(kc).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { fieldSelector: 'metadata.name=slow', resourceVersion: slow!.metadata!.resourceVersion },
      (_phase, pod: k8s.V1Pod) => seen.push(pod),
      () => undefined,
    );
    try {
      const { activities } = drainEnv();
      const target: ScaleDownTarget = { namespace, nodeGroup: NODE_GROUP, nodeName };
      const result = await inActivity().run(activities.drainNode, target, {
        drainTimeoutSeconds: 150,
        retryDelaySeconds: 60,
        maxTerminationGracePeriodSeconds: 5,
      });
      expect(result.podsEvicted).toBe(1);
      const deletion = await eventually('the eviction seen by the watch', async () =>
        seen.find((p) => p.metadata?.deletionTimestamp !== undefined),
      );
      expect(deletion.metadata?.uid).toBe(slow!.metadata?.uid);
      expect(deletion.metadata?.deletionGracePeriodSeconds).toBe(5);
      await expect(core.readNamespacedPod({ name: 'slow', namespace })).rejects.toMatchObject({
        code: 404,
      });
    } finally {
      watch.abort();
    }
  },
  TEST_TIMEOUT_MS,
);

test(
  "uncordon keeps an operator's cordon and other taints; a missing node is a no-op",
  async () => {
    const dedicated = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };
    const nodeName = await createPoolNode(`op-${suffix()}`, {
      unschedulable: true,
      taints: [dedicated],
    });
    const { activities } = drainEnv();
    const target: ScaleDownTarget = { namespace: 'default', nodeGroup: NODE_GROUP, nodeName };

    await inActivity().run(activities.cordonNode, target);
    const cordoned = await core.readNode({ name: nodeName });
    // The node lifecycle controller adds its own node.kubernetes.io/unschedulable taint meanwhile.
    expect(cordoned.spec?.taints).toEqual(
      expect.arrayContaining([dedicated, expect.objectContaining({ key: TAINTS.toBeDeleted })]),
    );
    expect(cordoned.metadata?.annotations?.[ANNOTATIONS.unschedulableBeforeDrain]).toBe('true');

    await inActivity().run(activities.uncordonNode, target);
    const after = await core.readNode({ name: nodeName });
    expect(after.spec?.unschedulable).toBe(true);
    expect(after.spec?.taints).toEqual(expect.arrayContaining([dedicated]));
    expect(ourTaint(after)).toEqual([]);
    expect(after.metadata?.annotations?.[ANNOTATIONS.drainStatus]).toBeUndefined();

    const missing = { ...target, nodeName: `no-such-node-${suffix()}` };
    await expect(inActivity().run(activities.cordonNode, missing)).resolves.toBeUndefined();
    await expect(inActivity().run(activities.uncordonNode, missing)).resolves.toBeUndefined();
  },
  TEST_TIMEOUT_MS,
);

test(
  'a drain waiting on a PDB stops when cancelled, and records no outcome',
  async () => {
    const namespace = await createTestNamespace(kc, 'drain-cancel');
    const pool = `cancel-${suffix()}`;
    const nodeName = await createPoolNode(pool);
    await createDeployment(namespace, 'db', pool, 1);
    await runningPodsOf(namespace, 'db', 1, nodeName);
    await createBlockingPdb(namespace, 'db', 1);

    const { registry, activities } = drainEnv();
    const target: ScaleDownTarget = { namespace, nodeGroup: NODE_GROUP, nodeName };
    const { env, run, heartbeats } = inActivity();
    env.on('heartbeat', (beat: DrainHeartbeat) => {
      if (beat.blockedByPdb.length > 0) env.cancel();
    });
    const drain = run(activities.drainNode, target, {
      drainTimeoutSeconds: 120,
      retryDelaySeconds: 60,
      maxTerminationGracePeriodSeconds: 30,
    });
    await expect(drain).rejects.toBeInstanceOf(CancelledFailure);
    expect(heartbeats).toHaveLength(1);
    const durations = await histogramOf(registry, DRAIN_DURATION, {
      nodegroup: NODE_GROUP,
      namespace,
      status: 'error',
    });
    expect(durations.count ?? 0).toBe(0);
    expect(await podsOnNode(nodeName)).toHaveLength(1);
  },
  TEST_TIMEOUT_MS,
);

/** Clients acting as a ServiceAccount that may read and patch pods and nodes, but not evict. */
async function clientsWithoutEvictRight(namespace: string, role: string): Promise<KubeClients> {
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: role } } });
  await rbac.createClusterRole({
    body: {
      metadata: { name: role },
      rules: [
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'patch'] },
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list'] },
      ],
    },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: role },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: role, namespace }],
    },
  });
  const token = await core.createNamespacedServiceAccountToken({
    name: role,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const cluster = testCluster();
  const limited = new k8s.KubeConfig();
  limited.loadFromOptions({
    clusters: [{ name: 'test', server: cluster.apiServerUrl, caFile: cluster.caFile }],
    users: [{ name: role, token: token.status?.token }],
    contexts: [{ name: role, cluster: 'test', user: role }],
    currentContext: role,
  });
  const kube: KubeClients = {
    kubeConfig: limited,
    core: limited.makeApiClient(k8s.CoreV1Api),
    custom: limited.makeApiClient(k8s.CustomObjectsApi),
    events: limited.makeApiClient(k8s.EventsV1Api),
  };
  await eventually('the RBAC binding in effect', async () => {
    await kube.core.listPodForAllNamespaces({ limit: 1 });
    return true;
  });
  return kube;
}

test(
  'a drain that may not evict (RBAC) fails at once as DrainRejected and records an error',
  async () => {
    const namespace = await createTestNamespace(kc, 'drain-rbac');
    const pool = `rbac-${suffix()}`;
    const nodeName = await createPoolNode(pool);
    await createDeployment(namespace, 'web', pool, 1);
    const [web] = await runningPodsOf(namespace, 'web', 1, nodeName);
    const role = `drain-no-evict-${suffix()}`;
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    try {
      const { registry, activities } = drainEnv(await clientsWithoutEvictRight(namespace, role));
      const target: ScaleDownTarget = { namespace, nodeGroup: NODE_GROUP, nodeName };
      const failure = await inActivity()
        .run(activities.drainNode, target, {
          drainTimeoutSeconds: 120,
          retryDelaySeconds: 60,
          maxTerminationGracePeriodSeconds: 30,
        })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'DrainRejected', nonRetryable: true });
      expect((failure as Error).message).toMatch(
        new RegExp(
          `^drain of node ${nodeName} refused: HTTP 403: .*cannot create resource "pods/eviction"`,
        ),
      );

      const group = { nodegroup: NODE_GROUP, namespace };
      const errors = await histogramOf(registry, DRAIN_DURATION, { ...group, status: 'error' });
      expect(errors.count).toBe(1);
      const evicted = await histogramOf(registry, PODS_EVICTED, group);
      expect({ count: evicted.count, sum: evicted.sum }).toEqual({ count: 1, sum: 0 });
      const [still] = await podsOnNode(nodeName);
      expect(still?.metadata?.uid).toBe(web!.metadata?.uid);
      expect(still?.metadata?.deletionTimestamp).toBeUndefined();
    } finally {
      await rbac.deleteClusterRoleBinding({ name: role }).catch(() => undefined);
      await rbac.deleteClusterRole({ name: role }).catch(() => undefined);
    }
  },
  TEST_TIMEOUT_MS,
);
