// planScaleUp end to end: existing capacity first, then packing onto new nodes, offering and
// group choice, minNodes, what is left.
import { planScaleUp } from '../../../src/scheduling/planner';
import type { PlannerInput, ScaleUpPlan } from '../../../src/scheduling/types';
import {
  GIB,
  HOSTNAME,
  antiAffinity,
  daemonSet,
  group,
  input,
  node,
  offering,
  pending,
  pod,
  replicas,
  withSpec,
} from './fixtures';

/** The new nodes as "group/offering: pods" lines, for readable expectations. */
function nodesOf(plan: ScaleUpPlan): string[] {
  return plan.newNodes.map(
    (n) =>
      `${n.group.name}/${n.offeringId}: ${n.reason.pods.map((p) => p.split('/')[1]).join(',')}`,
  );
}

function plan(overrides: Partial<PlannerInput>): ScaleUpPlan {
  return planScaleUp(input(overrides));
}

describe('first-fit decreasing onto new nodes', () => {
  test('10 pods of 1.5 cpu on a 4 cpu offering: 2 per node, 5 nodes', () => {
    const result = plan({
      pendingPods: replicas('web', 10, { cpu: '1500m' }),
      groups: [group('demo')],
    });
    expect(nodesOf(result)).toEqual([
      'demo/4c8g: web-000,web-001',
      'demo/4c8g: web-002,web-003',
      'demo/4c8g: web-004,web-005',
      'demo/4c8g: web-006,web-007',
      'demo/4c8g: web-008,web-009',
    ]);
    expect(result.newNodes.every((n) => n.reason.kind === 'unschedulable_pods')).toBe(true);
    expect(result.unschedulable).toEqual([]);
    expect(result.heldBack).toEqual([]);
  });

  test('largest first, each into the first node that fits', () => {
    const pods = [
      pending('small-a', { cpu: '1' }),
      pending('big-a', { cpu: '3' }),
      pending('small-b', { cpu: '1' }),
      pending('big-b', { cpu: '3' }),
    ];
    expect(nodesOf(plan({ pendingPods: pods, groups: [group('demo')] }))).toEqual([
      'demo/4c8g: big-a,small-a',
      'demo/4c8g: big-b,small-b',
    ]);
  });

  test('memory counts as much as cpu', () => {
    const pods = replicas('cache', 3, { cpu: '100m', memory: '3Gi' });
    expect(nodesOf(plan({ pendingPods: pods, groups: [group('demo')] }))).toEqual([
      'demo/4c8g: cache-000,cache-001',
      'demo/4c8g: cache-002',
    ]);
  });

  test('DaemonSet pods and systemReserved shrink what a new node offers', () => {
    const pods = replicas('web', 4, { cpu: '1750m' });
    // 2 × 1.75 = 3.5 of 4 cpu: two per node.
    expect(plan({ pendingPods: pods, groups: [group('demo')] }).newNodes).toHaveLength(2);
    // A DaemonSet of 600m leaves 3.4: one per node.
    const ds = daemonSet('agent', { cpu: '600m' });
    expect(
      plan({ pendingPods: pods, groups: [group('demo')], daemonSets: [ds] }).newNodes,
    ).toHaveLength(4);
    // So does a systemReserved of 600m.
    const reserved = group('demo', { systemReserved: { cpu: 600 } });
    expect(plan({ pendingPods: pods, groups: [reserved] }).newNodes).toHaveLength(4);
  });

  test('required hostname anti-affinity: one replica per new node', () => {
    const pods = replicas('web', 3, { cpu: '100m', affinity: antiAffinity({ app: 'web' }) });
    expect(nodesOf(plan({ pendingPods: pods, groups: [group('demo')] }))).toEqual([
      'demo/4c8g: web-000',
      'demo/4c8g: web-001',
      'demo/4c8g: web-002',
    ]);
  });

  test('anti-affinity keeps a replica off an existing node that has one', () => {
    const existing = node('n1');
    const bound = [pod('web-old', { node: 'n1', labels: { app: 'web' } })];
    const pods = [
      pending('web-new', {
        labels: { app: 'web' },
        cpu: '100m',
        affinity: antiAffinity({ app: 'web' }),
      }),
    ];
    const result = plan({
      pendingPods: pods,
      nodes: [existing],
      boundPods: bound,
      groups: [group('demo')],
    });
    expect(result.fitsExisting.size).toBe(0);
    expect(nodesOf(result)).toEqual(['demo/4c8g: web-new']);
  });

  test('topology spread on hostname with maxSkew 1: one replica per new node', () => {
    // A full existing node that is eligible and has no replica keeps the minimum at 0.
    const full = node('full', { cpu: '50m' });
    const spread = (maxSkew: number) =>
      replicas('web', 4, { cpu: '100m' }).map((p) =>
        withSpec(p, {
          topologySpreadConstraints: [
            {
              maxSkew,
              topologyKey: HOSTNAME,
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { app: 'web' } },
            },
          ],
        }),
      );
    const one = plan({ pendingPods: spread(1), nodes: [full], groups: [group('demo')] });
    expect(nodesOf(one)).toEqual([
      'demo/4c8g: web-000',
      'demo/4c8g: web-001',
      'demo/4c8g: web-002',
      'demo/4c8g: web-003',
    ]);
    const two = plan({ pendingPods: spread(2), nodes: [full], groups: [group('demo')] });
    expect(nodesOf(two)).toEqual(['demo/4c8g: web-000,web-001', 'demo/4c8g: web-002,web-003']);
  });
});

describe('existing capacity first', () => {
  test('pods that fit a Ready schedulable node need no new node', () => {
    const n1 = node('n1', { cpu: '4' });
    const bound = [pod('busy', { node: 'n1', cpu: '2' })];
    const pods = replicas('web', 3, { cpu: '1' });
    const result = plan({
      pendingPods: pods,
      nodes: [n1],
      boundPods: bound,
      groups: [group('demo')],
    });
    expect([...result.fitsExisting]).toEqual([
      ['default/web-000', 'n1'],
      ['default/web-001', 'n1'],
    ]);
    expect(nodesOf(result)).toEqual(['demo/4c8g: web-002']);
  });

  test('not Ready, cordoned, to-be-deleted and deleting nodes are no capacity', () => {
    const nodes = [
      node('not-ready', { ready: false }),
      node('cordoned', { unschedulable: true }),
      node('leaving', {
        taints: [{ key: 'autoscaler.vpsie.com/to-be-deleted', value: '1', effect: 'NoSchedule' }],
      }),
      node('deleting', { deleting: true }),
    ];
    const result = plan({
      pendingPods: [pending('web', { cpu: '1' })],
      nodes,
      groups: [group('demo')],
    });
    expect(result.fitsExisting.size).toBe(0);
    expect(result.newNodes).toHaveLength(1);
  });

  test('in-flight nodes absorb pods: no second scale-up', () => {
    const pods = replicas('web', 2, { cpu: '1500m' });
    const inFlight = [
      { group: { namespace: 'default', name: 'demo' }, offeringId: '4c8g', nodeName: 'demo-abc' },
    ];
    const result = plan({
      pendingPods: pods,
      groups: [group('demo', { currentNodes: 1 })],
      inFlight,
    });
    expect(result.newNodes).toEqual([]);
    expect([...result.fitsExisting]).toEqual([
      ['default/web-000', 'demo-abc'],
      ['default/web-001', 'demo-abc'],
    ]);
    // DaemonSet pods are reserved on in-flight nodes too: 1.5 + 1.5 + 1.5 > 4.
    const ds = daemonSet('agent', { cpu: '1500m' });
    const crowded = plan({
      pendingPods: pods,
      groups: [group('demo')],
      inFlight,
      daemonSets: [ds],
    });
    expect(crowded.fitsExisting.size).toBe(1);
    expect(crowded.newNodes).toHaveLength(1);
  });

  test('an in-flight node of an unknown group or offering is not counted', () => {
    const pods = [pending('web', { cpu: '1' })];
    for (const entry of [
      { group: { namespace: 'default', name: 'gone' }, offeringId: '4c8g', nodeName: 'x' },
      { group: { namespace: 'default', name: 'demo' }, offeringId: 'retired', nodeName: 'y' },
    ]) {
      const result = plan({ pendingPods: pods, groups: [group('demo')], inFlight: [entry] });
      expect(result.fitsExisting.size).toBe(0);
      expect(result.newNodes).toHaveLength(1);
    }
  });
});

describe('offering choice within a group', () => {
  test('the cheapest total for the pods', () => {
    const g = group('demo', { offerings: [offering(8, 16), offering(4, 8)] });
    const result = plan({ pendingPods: replicas('web', 2, { cpu: '1500m' }), groups: [g] });
    expect(nodesOf(result)).toEqual(['demo/4c8g: web-000,web-001']);
    expect(result.newNodes[0]!.reason.summary).toContain(
      'offering Standard 4 vCPU / 8 GB ($48/month) is the cheapest that fits',
    );
  });

  test('placing more pods comes before price', () => {
    const g = group('demo', { offerings: [offering(4, 8), offering(8, 16)] });
    const result = plan({ pendingPods: [pending('big', { cpu: '6' })], groups: [g] });
    expect(nodesOf(result)).toEqual(['demo/8c16g: big']);
  });

  test('preferredOffering breaks a price tie, then fewer nodes', () => {
    const a = offering(4, 8, { id: 'a' });
    const b = offering(4, 8, { id: 'b' });
    const pods = replicas('web', 2, { cpu: '1500m' });
    expect(
      nodesOf(plan({ pendingPods: pods, groups: [group('demo', { offerings: [a, b] })] })),
    ).toEqual(['demo/a: web-000,web-001']);
    const preferring = group('demo', { offerings: [a, b], preferredOffering: 'b' });
    expect(nodesOf(plan({ pendingPods: pods, groups: [preferring] }))).toEqual([
      'demo/b: web-000,web-001',
    ]);
    // 4 × 3 cpu: four 4-cpu nodes ($192) or two 8-cpu nodes ($192): fewer nodes.
    const sizes = group('demo', { offerings: [offering(4, 8), offering(8, 16)] });
    const result = plan({ pendingPods: replicas('job', 4, { cpu: '3' }), groups: [sizes] });
    expect(nodesOf(result)).toEqual(['demo/8c16g: job-000,job-001', 'demo/8c16g: job-002,job-003']);
  });

  test('an offering without a price sorts last', () => {
    const g = group('demo', {
      offerings: [offering(4, 8, { id: 'free', priceMonthly: undefined }), offering(4, 8)],
    });
    expect(nodesOf(plan({ pendingPods: [pending('web', { cpu: '1' })], groups: [g] }))).toEqual([
      'demo/4c8g: web',
    ]);
  });
});

describe('choosing between groups', () => {
  test('least-waste picks the group whose nodes the pods fill best', () => {
    const pods = replicas('web', 2, { cpu: '1500m', memory: '3Gi' });
    const small = group('small'); // 4 cpu / 8 GB: 3 of 4 cpu, 6 of 8 GB
    const large = group('large', { offerings: [offering(16, 64)] });
    const result = plan({ pendingPods: pods, groups: [large, small] });
    expect(nodesOf(result)).toEqual(['small/4c8g: web-000,web-001']);
    expect(result.newNodes[0]!.reason.summary).toBe(
      "2 pods fit no node; small chosen by least-waste over large; offering Standard 4 vCPU / 8 GB ($48/month) is the group's only offering",
    );
    expect(result.decisions.some((d) => d.startsWith('options for 2 pods: large'))).toBe(true);
  });

  test('the chain breaks ties; the final tie-break is namespace/name', () => {
    const pods = replicas('web', 2, { cpu: '1' });
    const a = group('a', { priority: 1 });
    const b = group('b', { priority: 5 });
    const byPriority = plan({
      pendingPods: pods,
      groups: [a, b],
      expanders: ['least-waste', 'priority'],
    });
    expect(nodesOf(byPriority)).toEqual(['b/4c8g: web-000,web-001']);
    expect(byPriority.newNodes[0]!.reason.summary).toContain('b chosen by priority over a');
    const tied = plan({
      pendingPods: pods,
      groups: [b, group('a', { priority: 5 })],
      expanders: ['priority'],
    });
    expect(tied.newNodes[0]!.group.name).toBe('a');
    expect(tied.newNodes[0]!.reason.summary).toContain('a chosen by name order over b');
  });

  test('random uses the given source', () => {
    const pods = [pending('web', { cpu: '1' })];
    const groups = [group('a'), group('b'), group('c')];
    const pick = (r: number) =>
      plan({ pendingPods: pods, groups, expanders: ['random'], random: () => r }).newNodes[0]!.group
        .name;
    expect(pick(0)).toBe('a');
    expect(pick(0.5)).toBe('b');
    expect(pick(0.99)).toBe('c');
  });

  test('a second group takes the pods the first cannot run', () => {
    const gpuTaint = { key: 'gpu', value: 'true', effect: 'NoSchedule' };
    const general = group('general');
    const gpu = group('gpu', { taints: [gpuTaint], labels: { accelerator: 'gpu' } });
    const pods = [
      ...replicas('web', 2, { cpu: '1' }),
      ...replicas('train', 2, {
        cpu: '1',
        nodeSelector: { accelerator: 'gpu' },
        tolerations: [{ key: 'gpu', operator: 'Exists' }],
      }),
    ];
    const result = plan({ pendingPods: pods, groups: [gpu, general] });
    expect(nodesOf(result).sort()).toEqual([
      'general/4c8g: web-000,web-001',
      'gpu/4c8g: train-000,train-001',
    ]);
  });
});

describe('rounds', () => {
  test("a round's new nodes change what the next round can do (zone spread)", () => {
    const ZONE_KEY = 'topology.kubernetes.io/zone';
    const a = group('a', {
      labels: { [ZONE_KEY]: 'a', pool: 'a' },
      taints: [{ key: 'dedicated', value: 'a', effect: 'NoSchedule' }],
      priority: 10,
    });
    const b = group('b', { labels: { [ZONE_KEY]: 'b', pool: 'b' } });
    const p = pending('p', {
      cpu: '1',
      nodeSelector: { pool: 'a' },
      tolerations: [{ key: 'dedicated', operator: 'Exists' }],
    });
    const spread = replicas('s', 2, { cpu: '100m' }).map((x) =>
      withSpec(x, {
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: ZONE_KEY,
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { app: 's' } },
          },
        ],
      }),
    );
    const result = plan({ pendingPods: [p, ...spread], groups: [a, b], expanders: ['priority'] });
    // Round 1: a wins on priority. Its node is a zone-a domain for the spread pods (their
    // taint does not matter: nodeTaintsPolicy Ignore), so b can then take only one of them.
    expect(nodesOf(result)).toEqual(['a/4c8g: p', 'b/4c8g: s-000']);
    expect(result.decisions).toContain(
      'options for 2 pods: b (Standard 4 vCPU / 8 GB ($48/month): 1 node for 1 pod, $48/month, waste 1.98)',
    );
    expect(result.unschedulable).toEqual([
      {
        pod: 'default/s-001',
        reasons: [
          { group: 'default/a', reason: 'taint dedicated=a:NoSchedule not tolerated' },
          {
            group: 'default/b',
            reason: `topology spread on ${ZONE_KEY}: ${ZONE_KEY}=b would have 2 matching pods against a minimum of 0 (maxSkew 1)`,
          },
        ],
        constraint: 'taint',
      },
    ]);
  });
});

describe('minNodes', () => {
  test('a group below minNodes gets its cheapest offering first, and those nodes take pods', () => {
    const g = group('demo', { minNodes: 2, offerings: [offering(8, 16), offering(4, 8)] });
    const result = plan({ pendingPods: [pending('web', { cpu: '1' })], groups: [g] });
    expect(result.newNodes).toHaveLength(2);
    expect(result.newNodes.map((n) => [n.offeringId, n.reason.kind])).toEqual([
      ['4c8g', 'below_min_nodes'],
      ['4c8g', 'below_min_nodes'],
    ]);
    expect(result.newNodes[0]!.reason.summary).toBe(
      'demo has 0 of minNodes 2; Standard 4 vCPU / 8 GB ($48/month) is its cheapest offering',
    );
    expect(result.newNodes[0]!.reason.absorbedPods).toEqual(['default/web']);
    expect(result.fitsExisting.size).toBe(0);
  });

  test('not for groups with scale-up disabled or in backoff, and within the limits', () => {
    const disabled = group('demo', { minNodes: 1, scaleUpEnabled: false });
    expect(plan({ groups: [disabled] }).newNodes).toEqual([]);
    const backingOff = group('demo', { minNodes: 1, backoffUntilMs: input().nowMs + 1 });
    expect(plan({ groups: [backingOff] }).newNodes).toEqual([]);
    const limited = plan({
      groups: [group('demo', { minNodes: 3 })],
      limits: { maxNodesTotal: 0, coresTotal: 0, memoryTotalBytes: 0, maxNodesPerScaleUp: 2 },
    });
    expect(limited.newNodes).toHaveLength(2);
    expect(limited.decisions[0]).toBe(
      'demo has 0 of minNodes 3; only 2 nodes added: maxNodesPerScaleUp is 2',
    );
  });
});

describe('limits', () => {
  const pods = replicas('web', 4, { cpu: '3' }); // one per 4-cpu node

  test('maxNodes truncates the option; the rest is held back', () => {
    const result = plan({
      pendingPods: pods,
      groups: [group('demo', { currentNodes: 3, maxNodes: 5 })],
    });
    expect(nodesOf(result)).toEqual(['demo/4c8g: web-000', 'demo/4c8g: web-001']);
    expect(result.heldBack).toEqual([
      {
        pod: 'default/web-002',
        group: { namespace: 'default', name: 'demo' },
        reason: 'at_max_nodes',
        detail: 'fits a new node of demo, but demo has 5 of maxNodes 5 (2 of them planned now)',
      },
      {
        pod: 'default/web-003',
        group: { namespace: 'default', name: 'demo' },
        reason: 'at_max_nodes',
        detail: 'fits a new node of demo, but demo has 5 of maxNodes 5 (2 of them planned now)',
      },
    ]);
    expect(result.unschedulable).toEqual([]);
  });

  test('scale-up disabled and backoff hold every pod back', () => {
    const disabled = plan({
      pendingPods: pods,
      groups: [group('demo', { scaleUpEnabled: false })],
    });
    expect(disabled.newNodes).toEqual([]);
    expect(disabled.heldBack.map((h) => h.reason)).toEqual(Array(4).fill('policy_disabled'));
    const backoff = plan({
      pendingPods: pods,
      groups: [group('demo', { backoffUntilMs: input().nowMs + 60_000 })],
    });
    expect(backoff.heldBack[0]).toMatchObject({ reason: 'backoff' });
    expect(backoff.heldBack[0]!.detail).toContain(
      'demo is backing off after failed scale-ups until',
    );
  });

  test('cluster maxNodesTotal, coresTotal and memoryTotal', () => {
    const limits = {
      maxNodesTotal: 0,
      coresTotal: 0,
      memoryTotalBytes: 0,
      maxNodesPerScaleUp: 1000,
    };
    const currentTotals = { nodes: 10, cores: 40, memoryBytes: 80 * GIB };
    const run = (l: Partial<typeof limits>) =>
      plan({
        pendingPods: pods,
        groups: [group('demo')],
        currentTotals,
        limits: { ...limits, ...l },
      });
    const nodes = run({ maxNodesTotal: 13 });
    expect(nodes.newNodes).toHaveLength(3);
    expect(nodes.heldBack).toEqual([
      expect.objectContaining({
        reason: 'cluster_limit',
        detail: expect.stringContaining('maxNodesTotal 13'),
      }),
    ]);
    // 4 vCPU per node: 48 cores leave room for 2.
    expect(run({ coresTotal: 48 }).newNodes).toHaveLength(2);
    // 8 GiB per node: 90 GiB leave room for 1.
    expect(run({ memoryTotalBytes: 90 * GIB }).newNodes).toHaveLength(1);
  });

  test('maxNodesPerScaleUp counts every node of the plan, all groups and minNodes', () => {
    const groups = [group('a', { minNodes: 1 }), group('b')];
    const result = plan({
      pendingPods: pods,
      groups,
      limits: { maxNodesTotal: 0, coresTotal: 0, memoryTotalBytes: 0, maxNodesPerScaleUp: 3 },
    });
    expect(result.newNodes).toHaveLength(3);
    expect(result.newNodes[0]!.reason.kind).toBe('below_min_nodes');
    // The top-up node took one pod; two more nodes; one pod left, held back for both groups.
    expect(result.heldBack).toEqual([
      {
        pod: 'default/web-003',
        reason: 'max_nodes_per_scale_up',
        detail:
          'fits a new node of a and b, but this scale-up already asks for 3 of maxNodesPerScaleUp 3 nodes',
      },
    ]);
  });
});

describe('pods no group can run', () => {
  test('one reason per group, the metric label of the first', () => {
    const big = pending('big', { cpu: '1', memory: '64Gi' });
    const groups = [
      group('demo-workers', { offerings: [offering(4, 16), offering(8, 32)] }),
      group('gpu-workers', {
        taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }],
        offerings: [offering(16, 128)],
      }),
    ];
    const result = plan({ pendingPods: [big], groups });
    expect(result.newNodes).toEqual([]);
    expect(result.unschedulable).toEqual([
      {
        pod: 'default/big',
        reasons: [
          {
            group: 'default/demo-workers',
            reason: 'needs 64Gi memory, largest offering has 32Gi (after system reserve)',
          },
          { group: 'default/gpu-workers', reason: 'taint gpu=true:NoSchedule not tolerated' },
        ],
        constraint: 'memory',
      },
    ]);
  });

  test('selectors, GPUs, DaemonSets and unknown offerings are explained too', () => {
    const ssd = pending('ssd', { cpu: '1', nodeSelector: { disktype: 'ssd' } });
    const gpuPod = pending('trainer', { cpu: '1' });
    gpuPod.spec!.containers[0]!.resources!.requests!['nvidia.com/gpu'] = '1';
    const web = group('web', { labels: { disktype: 'hdd' } });
    const empty = group('empty', { offerings: [], unknownOfferings: ['x-1'] });
    const ds = daemonSet('agent', { cpu: '500m', memory: '1Gi' });
    const result = plan({ pendingPods: [ssd, gpuPod], groups: [web, empty], daemonSets: [ds] });
    expect(result.unschedulable).toEqual([
      {
        pod: 'default/ssd',
        reasons: [
          { group: 'default/empty', reason: 'no known offering (x-1 not in the VPSie catalogue)' },
          {
            group: 'default/web',
            reason: "node selector disktype=ssd does not match the group's labels",
          },
        ],
        constraint: 'other',
      },
      {
        pod: 'default/trainer',
        reasons: [
          { group: 'default/empty', reason: 'no known offering (x-1 not in the VPSie catalogue)' },
          { group: 'default/web', reason: 'needs 1 nvidia.com/gpu, which no offering of web has' },
        ],
        constraint: 'other',
      },
    ]);
    const tight = pending('tight', { cpu: '3800m' });
    const reserved = plan({ pendingPods: [tight], groups: [web], daemonSets: [ds] });
    expect(reserved.unschedulable[0]!.reasons[0]!.reason).toBe(
      'needs 3800m cpu, largest offering has 3500m (after system reserve and DaemonSets)',
    );
    expect(reserved.unschedulable[0]!.constraint).toBe('cpu');
  });

  test('a pod a limited group could run is held back, not unschedulable', () => {
    const result = plan({
      pendingPods: [pending('web', { cpu: '1' })],
      groups: [group('demo', { currentNodes: 2, maxNodes: 2 })],
    });
    expect(result.unschedulable).toEqual([]);
    expect(result.heldBack).toEqual([
      expect.objectContaining({ pod: 'default/web', reason: 'at_max_nodes' }),
    ]);
  });
});

describe('determinism', () => {
  test('the same input gives the same plan, and the input is not modified', () => {
    const make = (): PlannerInput =>
      input({
        pendingPods: [
          ...replicas('web', 7, { cpu: '700m', memory: '1Gi' }),
          ...replicas('db', 3, { cpu: '2', affinity: antiAffinity({ app: 'db' }) }),
        ],
        nodes: [node('n1'), node('n2')],
        boundPods: [
          pod('busy', { node: 'n1', cpu: '3500m' }),
          pod('db-0', { node: 'n2', labels: { app: 'db' } }),
        ],
        groups: [group('b', { offerings: [offering(8, 16), offering(4, 8)] }), group('a')],
      });
    const first = make();
    const before = JSON.stringify(first);
    const one = planScaleUp(first);
    expect(JSON.stringify(first)).toBe(before);
    const comparable = (p: ScaleUpPlan) => ({ ...p, fitsExisting: [...p.fitsExisting] });
    // Fresh objects (nothing cached per object) and the same objects again (all cached).
    expect(comparable(planScaleUp(make()))).toEqual(comparable(one));
    expect(comparable(planScaleUp(first))).toEqual(comparable(one));
  });

  test('nothing pending and nothing below minimum: an empty plan', () => {
    expect(plan({ groups: [group('demo')] })).toEqual({
      newNodes: [],
      fitsExisting: new Map(),
      unschedulable: [],
      heldBack: [],
      decisions: [],
    });
  });
});
