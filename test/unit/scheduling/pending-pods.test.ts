// Which pending pods a scale-up is for.
import type { V1Pod } from '@kubernetes/client-node';
import { filterPendingPods, isUnschedulable } from '../../../src/scheduling/pending-pods';
import { NOW, pending } from './fixtures';

const settings = { nowMs: NOW, newPodScaleUpDelaySeconds: 0, expendablePodsPriorityCutoff: -10 };

function keep(pod: V1Pod, overrides: Partial<typeof settings> = {}): boolean {
  return filterPendingPods([pod], { ...settings, ...overrides }).length === 1;
}

describe('filterPendingPods', () => {
  test('keeps a pod the scheduler marked Unschedulable', () => {
    expect(keep(pending('web'))).toBe(true);
    expect(isUnschedulable(pending('web'))).toBe(true);
  });

  test('needs PodScheduled=False with reason Unschedulable', () => {
    const notTried = pending('web');
    notTried.status!.conditions = [];
    expect(keep(notTried)).toBe(false);
    const gated = pending('web');
    gated.status!.conditions![0]!.reason = 'SchedulingGated';
    expect(keep(gated)).toBe(false);
    const scheduled = pending('web');
    scheduled.status!.conditions![0]!.status = 'True';
    expect(keep(scheduled)).toBe(false);
  });

  test('drops bound, deleting and finished pods', () => {
    const bound = pending('web');
    bound.spec!.nodeName = 'node-1';
    expect(keep(bound)).toBe(false);
    const deleting = pending('web');
    deleting.metadata!.deletionTimestamp = new Date(NOW);
    expect(keep(deleting)).toBe(false);
    const failed = pending('web');
    failed.status!.phase = 'Failed';
    expect(keep(failed)).toBe(false);
    const succeeded = pending('web');
    succeeded.status!.phase = 'Succeeded';
    expect(keep(succeeded)).toBe(false);
  });

  test('drops DaemonSet pods: only the node they are pinned to can run them', () => {
    const daemon = pending('agent');
    daemon.metadata!.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u1', controller: true },
    ];
    expect(isUnschedulable(daemon)).toBe(true);
    expect(keep(daemon)).toBe(false);
  });

  test('waits newPodScaleUpDelaySeconds from the condition, else from creation', () => {
    const pod = pending('web'); // unschedulable since NOW - 60 s
    expect(keep(pod, { newPodScaleUpDelaySeconds: 60 })).toBe(true);
    expect(keep(pod, { newPodScaleUpDelaySeconds: 61 })).toBe(false);
    const noTransition = pending('web');
    delete noTransition.status!.conditions![0]!.lastTransitionTime;
    noTransition.metadata!.creationTimestamp = new Date(NOW - 10_000);
    expect(keep(noTransition, { newPodScaleUpDelaySeconds: 10 })).toBe(true);
    expect(keep(noTransition, { newPodScaleUpDelaySeconds: 11 })).toBe(false);
  });

  test('drops pods below the expendable priority cutoff (priority defaults to 0)', () => {
    const low = pending('batch');
    low.spec!.priority = -11;
    expect(keep(low)).toBe(false);
    low.spec!.priority = -10;
    expect(keep(low)).toBe(true);
    expect(keep(pending('web'), { expendablePodsPriorityCutoff: 1 })).toBe(false);
    expect(keep(pending('web'), { expendablePodsPriorityCutoff: 0 })).toBe(true);
  });
});
