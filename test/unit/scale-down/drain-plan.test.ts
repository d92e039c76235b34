// Which pods a drain evicts, with which grace period, and when an evicted pod counts as gone.
import type { V1Pod } from '@kubernetes/client-node';
import {
  cappedGracePeriodSeconds,
  planDrain,
  podsNotYetGone,
} from '../../../src/activities/scale-down/drain-plan';

function pod(
  name: string,
  options: {
    namespace?: string;
    uid?: string;
    owner?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    phase?: string;
    grace?: number;
  } = {},
): V1Pod {
  return {
    metadata: {
      name,
      namespace: options.namespace ?? 'apps',
      uid: options.uid ?? `${name}-uid`,
      labels: options.labels,
      annotations: options.annotations,
      ownerReferences: options.owner
        ? [{ apiVersion: 'apps/v1', kind: options.owner, name: 'o', uid: 'o', controller: true }]
        : undefined,
    },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'c', image: 'app' }],
      terminationGracePeriodSeconds: options.grace,
    },
    status: { phase: options.phase ?? 'Running' },
  };
}

const limits = { maxTerminationGracePeriodSeconds: 60 };

describe('planDrain', () => {
  test('evicts ordinary pods and skips DaemonSet, mirror and finished pods, saying why', () => {
    const plan = planDrain(
      [
        pod('web-1', { owner: 'ReplicaSet' }),
        pod('agent', { owner: 'DaemonSet' }),
        pod('ca-ds', { annotations: { 'cluster-autoscaler.kubernetes.io/daemonset-pod': 'true' } }),
        pod('etcd', { annotations: { 'kubernetes.io/config.mirror': 'abc' } }),
        pod('job-done', { owner: 'Job', phase: 'Succeeded' }),
        pod('job-failed', { owner: 'Job', phase: 'Failed' }),
        pod('bare'),
        pod('db-0', { owner: 'StatefulSet', phase: 'Pending' }),
      ],
      limits,
    );
    expect(plan.evict.map((e) => e.key)).toEqual(['apps/bare', 'apps/db-0', 'apps/web-1']);
    expect(plan.skipped).toEqual([
      { key: 'apps/agent', reason: 'daemonset' },
      { key: 'apps/ca-ds', reason: 'daemonset' },
      { key: 'apps/etcd', reason: 'mirror' },
      { key: 'apps/job-done', reason: 'terminal' },
      { key: 'apps/job-failed', reason: 'terminal' },
    ]);
  });

  test('a mirror pod owned by its Node is a mirror pod, whatever else it claims', () => {
    const plan = planDrain(
      [pod('static', { owner: 'DaemonSet', annotations: { 'kubernetes.io/config.mirror': 'x' } })],
      limits,
    );
    expect(plan.skipped).toEqual([{ key: 'apps/static', reason: 'mirror' }]);
  });

  test('carries what the eviction and the PDB lookup need: name, namespace, UID, labels', () => {
    const [eviction] = planDrain(
      [pod('web-1', { namespace: 'shop', uid: 'u-1', labels: { app: 'web' }, grace: 10 })],
      limits,
    ).evict;
    expect(eviction).toEqual({
      key: 'shop/web-1',
      namespace: 'shop',
      name: 'web-1',
      uid: 'u-1',
      gracePeriodSeconds: 10,
      labels: { app: 'web' },
    });
  });

  test('orders evictions by namespace/name so heartbeats and messages are stable', () => {
    const plan = planDrain([pod('b', { namespace: 'z' }), pod('c'), pod('a')], limits);
    expect(plan.evict.map((e) => e.key)).toEqual(['apps/a', 'apps/c', 'z/b']);
  });

  test('an empty node needs no evictions', () => {
    expect(planDrain([], limits)).toEqual({ evict: [], skipped: [] });
  });

  test('a pod already terminating is evicted again, with the capped grace period', () => {
    const leaving = pod('leaving', { grace: 600 });
    leaving.metadata!.deletionTimestamp = new Date();
    expect(planDrain([leaving], { maxTerminationGracePeriodSeconds: 5 }).evict).toEqual([
      expect.objectContaining({ key: 'apps/leaving', gracePeriodSeconds: 5 }),
    ]);
  });
});

describe('cappedGracePeriodSeconds', () => {
  test.each([
    ['the pod asks for less than the cap', 10, 60, 10],
    ['the pod asks for more than the cap', 300, 5, 5],
    ['the pod asks for exactly the cap', 60, 60, 60],
    ['the pod sets nothing: Kubernetes default 30 s', undefined, 60, 30],
    ['the pod sets nothing and the cap is below 30 s', undefined, 5, 5],
    ['the pod asks for an immediate stop', 0, 60, 0],
    ['the cap is 0: immediate stop', 300, 0, 0],
  ])('%s', (_what, own, cap, expected) => {
    expect(cappedGracePeriodSeconds(pod('p', { grace: own }), cap)).toBe(expected);
  });
});

describe('podsNotYetGone', () => {
  const evicted = planDrain([pod('a'), pod('b'), pod('c'), pod('d')], limits).evict;

  test('an evicted pod still listed on the node with the same UID is not gone', () => {
    const stillThere = pod('a');
    stillThere.metadata!.deletionTimestamp = new Date();
    expect(podsNotYetGone(evicted, [stillThere]).map((e) => e.key)).toEqual(['apps/a']);
  });

  test('a pod no longer listed is gone', () => {
    expect(podsNotYetGone(evicted, [])).toEqual([]);
  });

  test('a pod recreated under the same name with another UID counts as gone', () => {
    expect(podsNotYetGone(evicted, [pod('b', { uid: 'b-new-uid' })])).toEqual([]);
  });

  test('a finished pod counts as gone even if its object stays', () => {
    const done = [pod('c', { phase: 'Succeeded' }), pod('d', { phase: 'Failed' })];
    expect(podsNotYetGone(evicted, done)).toEqual([]);
  });

  test('a same-named pod in another namespace is another pod', () => {
    expect(podsNotYetGone(evicted, [pod('a', { namespace: 'other', uid: 'a-uid' })])).toEqual([]);
  });

  test('pods we did not evict (DaemonSet pods) do not keep the drain waiting', () => {
    expect(podsNotYetGone(evicted, [pod('agent', { owner: 'DaemonSet' })])).toEqual([]);
  });
});
