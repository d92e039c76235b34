// cannot_reschedule, anti_affinity and capacity: where the drained pods would go.
import type { V1Pod } from '@kubernetes/client-node';
import { simulateRescheduling } from '../../../../src/disruption';
import { checkCapacity } from '../../../../src/disruption/safety/capacity';
import {
  checkAntiAffinity,
  checkCannotReschedule,
} from '../../../../src/disruption/safety/rescheduling';
import { HOSTNAME, antiAffinity, node, pod, pv, safetyInput } from '../fixtures';

const candidate = node('candidate');

describe('cannot_reschedule', () => {
  test('passes when the pods fit on a remaining node', () => {
    const input = safetyInput(candidate, {
      podsOnNode: [pod('web', { cpu: '3', memory: '4Gi' })],
      others: [node('other', { cpu: '4', memory: '8Gi' })],
    });
    expect(checkCannotReschedule(input)).toEqual({ ok: true });
    expect(simulateRescheduling(input).placements.get('default/web')).toBe('other');
  });

  test('counts the requests of the pods already on the remaining nodes', () => {
    const input = safetyInput(candidate, {
      podsOnNode: [pod('web', { cpu: '3' })],
      others: [node('other', { cpu: '4' })],
      otherPods: [pod('busy', { node: 'other', cpu: '2' })],
    });
    const result = checkCannotReschedule(input);
    expect(result).toMatchObject({ ok: false, code: 'cannot_reschedule', pods: ['default/web'] });
    expect(!result.ok && result.message).toContain(
      '0/1 nodes are available: 1 node(s) Insufficient cpu',
    );
  });

  test('memory and the pod count are limits too', () => {
    const memory = safetyInput(candidate, {
      podsOnNode: [pod('big', { memory: '9Gi' })],
      others: [node('other', { memory: '8Gi' })],
    });
    expect(
      !checkCannotReschedule(memory).ok && JSON.stringify(checkCannotReschedule(memory)),
    ).toContain('Insufficient memory');
    const full = safetyInput(candidate, {
      podsOnNode: [pod('one-more')],
      others: [node('other', { pods: '1' })],
      otherPods: [pod('already', { node: 'other' })],
    });
    expect(JSON.stringify(checkCannotReschedule(full))).toContain('Too many pods');
  });

  test('extended resources must be offered by the destination', () => {
    const gpuPod = pod('trainer');
    gpuPod.spec!.containers[0]!.resources = { requests: { 'nvidia.com/gpu': '1' } };
    const input = safetyInput(candidate, { podsOnNode: [gpuPod], others: [node('cpu-only')] });
    expect(JSON.stringify(checkCannotReschedule(input))).toContain('Insufficient nvidia.com/gpu');
  });

  test('nodeSelector must match the destination', () => {
    const p = pod('ssd', { nodeSelector: { disk: 'ssd' } });
    const hdd = safetyInput(candidate, {
      podsOnNode: [p],
      others: [node('hdd', { labels: { disk: 'hdd' } })],
    });
    expect(checkCannotReschedule(hdd)).toMatchObject({ ok: false, code: 'cannot_reschedule' });
    const ssd = safetyInput(candidate, {
      podsOnNode: [p],
      others: [node('ssd', { labels: { disk: 'ssd' } })],
    });
    expect(checkCannotReschedule(ssd).ok).toBe(true);
  });

  test('required node affinity must match the destination', () => {
    const p = pod('zonal', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'zone', operator: 'In', values: ['a'] },
                  { key: 'cores', operator: 'Gt', values: ['2'] },
                ],
              },
            ],
          },
        },
      },
    });
    const wrongZone = node('b1', { labels: { zone: 'b', cores: '8' } });
    const tooSmall = node('a1', { labels: { zone: 'a', cores: '2' } });
    const right = node('a2', { labels: { zone: 'a', cores: '4' } });
    expect(
      checkCannotReschedule(
        safetyInput(candidate, { podsOnNode: [p], others: [wrongZone, tooSmall] }),
      ).ok,
    ).toBe(false);
    const input = safetyInput(candidate, { podsOnNode: [p], others: [wrongZone, tooSmall, right] });
    expect(simulateRescheduling(input).placements.get('default/zonal')).toBe('a2');
  });

  test('untolerated NoSchedule and NoExecute taints repel, PreferNoSchedule does not', () => {
    const tainted = (effect: string) =>
      node('other', { taints: [{ key: 'dedicated', value: 'gpu', effect }] });
    const p = pod('web');
    expect(
      checkCannotReschedule(
        safetyInput(candidate, { podsOnNode: [p], others: [tainted('NoSchedule')] }),
      ),
    ).toMatchObject({
      ok: false,
      message: expect.stringContaining('untolerated taint {dedicated=gpu:NoSchedule}'),
    });
    expect(
      checkCannotReschedule(
        safetyInput(candidate, { podsOnNode: [p], others: [tainted('NoExecute')] }),
      ).ok,
    ).toBe(false);
    expect(
      checkCannotReschedule(
        safetyInput(candidate, { podsOnNode: [p], others: [tainted('PreferNoSchedule')] }),
      ).ok,
    ).toBe(true);
    const tolerant = pod('gpu-job', { tolerations: [{ key: 'dedicated', operator: 'Exists' }] });
    expect(
      checkCannotReschedule(
        safetyInput(candidate, { podsOnNode: [tolerant], others: [tainted('NoSchedule')] }),
      ).ok,
    ).toBe(true);
  });

  test('unready, cordoned, deleted and leaving nodes are no destination', () => {
    const p = [pod('web')];
    const via = (others: ReturnType<typeof node>[], extra = {}) =>
      checkCannotReschedule(safetyInput(candidate, { podsOnNode: p, others }, extra)).ok;
    expect(via([node('x', { ready: false })])).toBe(false);
    expect(via([node('x', { unschedulable: true })])).toBe(false);
    expect(via([node('x', { deleting: true })])).toBe(false);
    expect(via([node('x')], { otherNodesLeaving: ['x'] })).toBe(false);
    expect(
      via([node('x')], {
        group: { minNodes: 0, currentNodes: ['candidate', 'x'], deletingNodes: ['x'] },
      }),
    ).toBe(false);
    expect(via([node('x')])).toBe(true);
  });

  test('with no destination at all the message says so', () => {
    const result = checkCannotReschedule(
      safetyInput(candidate, { podsOnNode: [pod('web')], others: [] }),
    );
    expect(!result.ok && result.message).toContain('no Ready, schedulable node remains');
  });

  test('a pod whose PersistentVolume is pinned to the removed node fits nowhere', () => {
    const p = pod('db', {
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    });
    const pinned = safetyInput(
      candidate,
      { podsOnNode: [p] },
      { pvsByClaim: { 'default/data': pv('pv', { kind: 'local', pinnedTo: 'candidate' }) } },
    );
    expect(JSON.stringify(checkCannotReschedule(pinned))).toContain(
      'volume node affinity conflict',
    );
    const portable = safetyInput(
      candidate,
      { podsOnNode: [p] },
      { pvsByClaim: { 'default/data': pv('pv') } },
    );
    expect(checkCannotReschedule(portable).ok).toBe(true);
  });

  test('places the largest pods first, so first-fit does not strand them', () => {
    // Smallest-first would put the 1-CPU pod on "a" (first by name) and leave no room for 3 CPUs.
    const input = safetyInput(candidate, {
      podsOnNode: [pod('small', { cpu: '1' }), pod('large', { cpu: '3' })],
      others: [node('a', { cpu: '3' }), node('b', { cpu: '1' })],
    });
    const { placements, unplaced } = simulateRescheduling(input);
    expect(unplaced).toEqual([]);
    expect(placements.get('default/large')).toBe('a');
    expect(placements.get('default/small')).toBe('b');
  });

  test('reports every pod that fits nowhere, not only the first', () => {
    const input = safetyInput(candidate, {
      podsOnNode: [pod('a', { cpu: '3' }), pod('b', { cpu: '3' }), pod('c', { cpu: '3' })],
      others: [node('other', { cpu: '4' })],
    });
    const result = checkCannotReschedule(input);
    expect(result).toMatchObject({ ok: false, pods: ['default/b', 'default/c'] });
    expect(!result.ok && result.message).toContain('and 1 more pod(s)');
  });

  test('DaemonSet, mirror and finished pods are not moved', () => {
    const input = safetyInput(candidate, {
      podsOnNode: [
        pod('agent', { owner: 'DaemonSet', cpu: '100' }),
        pod('static', { mirror: true, cpu: '100' }),
        pod('done', { phase: 'Succeeded', cpu: '100' }),
      ],
    });
    expect(checkCannotReschedule(input).ok).toBe(true);
  });
});

describe('anti_affinity (required pod anti-affinity, any topologyKey)', () => {
  const web = (name: string, extra = {}) =>
    pod(name, { labels: { app: 'web' }, affinity: antiAffinity({ app: 'web' }), ...extra });

  test('passes when a node without a matching pod remains', () => {
    const input = safetyInput(candidate, {
      podsOnNode: [web('web-2')],
      others: [node('a'), node('b')],
      otherPods: [web('web-1', { node: 'a' })],
    });
    expect(checkAntiAffinity(input)).toEqual({ ok: true });
    expect(simulateRescheduling(input).placements.get('default/web-2')).toBe('b');
  });

  test('blocks when every node that fits already runs a matching pod', () => {
    const input = safetyInput(candidate, {
      podsOnNode: [web('web-2')],
      others: [node('a')],
      otherPods: [web('web-1', { node: 'a' })],
    });
    const result = checkAntiAffinity(input);
    expect(result).toMatchObject({ ok: false, code: 'anti_affinity', pods: ['default/web-2'] });
    expect(!result.ok && result.message).toContain(
      `must not share ${HOSTNAME}=a with default/web-1`,
    );
    // The same pod is not also reported as fitting nowhere: resources would allow it.
    expect(checkCannotReschedule(input).ok).toBe(true);
  });

  test('the rule of a pod already on the destination is honoured too (symmetry)', () => {
    const guard = pod('guard', { node: 'a', affinity: antiAffinity({ app: 'noisy' }) });
    const input = safetyInput(candidate, {
      podsOnNode: [pod('noisy', { labels: { app: 'noisy' } })],
      others: [node('a')],
      otherPods: [guard],
    });
    expect(checkAntiAffinity(input)).toMatchObject({ ok: false, code: 'anti_affinity' });
  });

  test('pods moved in the same drain count against each other', () => {
    const input = safetyInput(candidate, {
      podsOnNode: [web('web-1'), web('web-2')],
      others: [node('a')],
    });
    expect(checkAntiAffinity(input)).toMatchObject({ ok: false, pods: ['default/web-2'] });
  });

  test('a zone topology key rules out the whole zone', () => {
    const zonal = (name: string, extra = {}) =>
      pod(name, { labels: { app: 'db' }, affinity: antiAffinity({ app: 'db' }, 'zone'), ...extra });
    const zoneA = [node('a1', { labels: { zone: 'a' } }), node('a2', { labels: { zone: 'a' } })];
    const blocked = safetyInput(candidate, {
      podsOnNode: [zonal('db-2')],
      others: zoneA,
      otherPods: [zonal('db-1', { node: 'a1' })],
    });
    expect(checkAntiAffinity(blocked).ok).toBe(false);
    const withZoneB = safetyInput(candidate, {
      podsOnNode: [zonal('db-2')],
      others: [...zoneA, node('b1', { labels: { zone: 'b' } })],
      otherPods: [zonal('db-1', { node: 'a1' })],
    });
    expect(simulateRescheduling(withZoneB).placements.get('default/db-2')).toBe('b1');
  });

  test('pods of another namespace do not match unless the term names it', () => {
    const theirs = pod('web-1', { namespace: 'team-b', node: 'a', labels: { app: 'web' } });
    const base = { others: [node('a')], otherPods: [theirs] };
    expect(
      checkAntiAffinity(safetyInput(candidate, { ...base, podsOnNode: [web('web-2')] })).ok,
    ).toBe(true);
    const crossNamespace = web('web-2', {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: { app: 'web' } },
              topologyKey: HOSTNAME,
              namespaces: ['team-b'],
            },
          ],
        },
      },
    });
    expect(
      checkAntiAffinity(safetyInput(candidate, { ...base, podsOnNode: [crossNamespace] })).ok,
    ).toBe(false);
  });

  test('matchLabelKeys narrows the selector to pods sharing the owner’s value', () => {
    const versioned = (name: string, version: string, nodeName?: string): V1Pod =>
      pod(name, {
        node: nodeName,
        labels: { app: 'web', version },
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                labelSelector: { matchLabels: { app: 'web' } },
                topologyKey: HOSTNAME,
                matchLabelKeys: ['version'],
              },
            ],
          },
        },
      });
    const old = versioned('web-v1', 'v1', 'a');
    const ok = safetyInput(candidate, {
      podsOnNode: [versioned('web-v2', 'v2')],
      others: [node('a')],
      otherPods: [old],
    });
    expect(checkAntiAffinity(ok).ok).toBe(true);
    const clash = safetyInput(candidate, {
      podsOnNode: [versioned('web-v1b', 'v1')],
      others: [node('a')],
      otherPods: [old],
    });
    expect(checkAntiAffinity(clash).ok).toBe(false);
  });
});

describe('capacity (headroom after removal)', () => {
  const input = (movingCpu: string, max?: number) =>
    safetyInput(
      candidate,
      {
        podsOnNode: [pod('moving', { cpu: movingCpu })],
        others: [node('other', { cpu: '4', memory: '8Gi' })],
        otherPods: [pod('existing', { node: 'other', cpu: '2' })],
      },
      max === undefined
        ? {}
        : {
            group: {
              minNodes: 0,
              currentNodes: [],
              deletingNodes: [],
              maxUtilizationAfterRemoval: max,
            },
          },
    );

  test('passes at or below 85 % of allocatable', () => {
    expect(checkCapacity(input('1'))).toEqual({ ok: true }); // 3 of 4 CPUs: 75 %
    expect(checkCapacity(input('1400m')).ok).toBe(true); // 85 % exactly
  });

  test('blocks above 85 %', () => {
    const result = checkCapacity(input('1500m')); // 3.5 of 4 CPUs: 87.5 %
    expect(result).toMatchObject({ ok: false, code: 'capacity' });
    expect(!result.ok && result.message).toContain('cpu 87.5%');
  });

  test('the group’s own limit replaces the default', () => {
    expect(checkCapacity(input('1500m', 0.9)).ok).toBe(true);
    expect(checkCapacity(input('1', 0.7)).ok).toBe(false);
  });

  test('memory counts separately', () => {
    const result = checkCapacity(
      safetyInput(candidate, {
        podsOnNode: [pod('cache', { memory: '7Gi' })],
        others: [node('other', { memory: '8Gi' })],
      }),
    );
    expect(!result.ok && result.message).toContain('memory 87.5%');
  });

  test('nothing left to run on blocks when anything is requested', () => {
    const result = checkCapacity(
      safetyInput(candidate, { podsOnNode: [pod('web', { cpu: '1' })], others: [] }),
    );
    expect(!result.ok && result.message).toContain('cpu no capacity left');
    expect(checkCapacity(safetyInput(candidate, { podsOnNode: [], others: [] })).ok).toBe(true);
  });
});
