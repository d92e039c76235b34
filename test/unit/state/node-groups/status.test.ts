// The NodeGroup status computed from the group, its VPSieNodes and our Nodes: sizes, the node
// list, the five conditions (and when their lastTransitionTime moves), phase counts, and which
// nodes go when the group is above maxNodes.
import type { Condition, NodeGroupStatus } from '../../../../src/apis/v1alpha1';
import {
  invalidSpecConditions,
  observeNodeGroup,
  statusDiffers,
  type NodeGroupStatusInput,
} from '../../../../src/state/node-groups/status';
import { NOW_MS, node, nodeGroup, readyPair, vpsieNode, type VnOptions } from './fixtures';

const MINUTE = 60_000;
const observe = (input: Partial<NodeGroupStatusInput>) =>
  observeNodeGroup({ group: nodeGroup(), vpsieNodes: [], nodes: [], nowMs: NOW_MS, ...input });
const condition = (conditions: readonly Condition[], type: string) =>
  conditions.find((c) => c.type === type);

/** n Ready VPSieNodes with Ready Nodes, created a minute apart (index 0 oldest). */
function readyMembers(prefix: string, n: number, options: VnOptions = {}) {
  const pairs = Array.from({ length: n }, (_, i) =>
    readyPair(`${prefix}-${i}`, {
      createdAt: new Date(NOW_MS - (n - i) * MINUTE).toISOString(),
      ...options,
    }),
  );
  return { vpsieNodes: pairs.map((p) => p.vn), nodes: pairs.map((p) => p.node) };
}

describe('sizes', () => {
  test('current counts VPSieNodes on their way or Ready; not Failed, leaving or deleted ones', () => {
    const vpsieNodes = [
      vpsieNode('a-none'), // no phase yet: just created
      vpsieNode('b-pending', { phase: 'Pending' }),
      vpsieNode('c-provisioning', { phase: 'Provisioning' }),
      vpsieNode('d-joining', { phase: 'Joining' }),
      vpsieNode('e-ready', { phase: 'Ready' }),
      vpsieNode('f-failed', { phase: 'Failed' }),
      vpsieNode('g-terminating', { phase: 'Terminating' }),
      vpsieNode('h-deleting', { phase: 'Deleting' }),
      vpsieNode('i-deleted', { phase: 'Ready', deleted: true }),
    ];
    const { status } = observe({ vpsieNodes, nodes: [node('e-ready'), node('i-deleted')] });
    expect(status.currentNodes).toBe(5);
    expect(status.readyNodes).toBe(1);
  });

  test('ready needs the Node to exist with Ready=True, whatever the VPSieNode phase says', () => {
    const vpsieNodes = [
      vpsieNode('ready-node', { phase: 'Ready' }),
      vpsieNode('unready-node', { phase: 'Ready' }),
      vpsieNode('no-node', { phase: 'Ready' }),
      vpsieNode('joining-ready', { phase: 'Joining' }),
    ];
    const nodes = [
      node('ready-node'),
      node('unready-node', { ready: false }),
      node('joining-ready'),
    ];
    expect(observe({ vpsieNodes, nodes }).status).toMatchObject({
      currentNodes: 4,
      readyNodes: 2,
    });
  });

  test('Nodes and VPSieNodes of other groups or namespaces are not ours', () => {
    const vpsieNodes = [
      vpsieNode('mine', { phase: 'Ready' }),
      vpsieNode('other-group', { phase: 'Ready', group: 'batch' }),
      vpsieNode('other-ns', { phase: 'Ready', namespace: 'staging' }),
    ];
    // A Node named like ours but labelled for another group does not make ours ready.
    const nodes = [node('mine', { labels: { 'autoscaler.vpsie.com/nodegroup': 'batch' } })];
    expect(observe({ vpsieNodes, nodes }).status).toMatchObject({
      currentNodes: 1,
      readyNodes: 0,
    });
  });

  test('desired is current clamped into [minNodes, maxNodes]', () => {
    const desired = (n: number, spec: Record<string, unknown>) =>
      observe({ group: nodeGroup(spec), ...readyMembers('n', n) }).status.desiredNodes;
    expect(desired(0, { minNodes: 2, maxNodes: 5 })).toBe(2);
    expect(desired(3, { minNodes: 2, maxNodes: 5 })).toBe(3);
    expect(desired(7, { minNodes: 2, maxNodes: 5 })).toBe(5);
    expect(desired(0, { minNodes: 0, maxNodes: 5 })).toBe(0);
  });

  test('observedGeneration is the generation computed from', () => {
    expect(observe({ group: nodeGroup({}, undefined, 7) }).status.observedGeneration).toBe(7);
  });
});

describe('node list', () => {
  test('one entry per VPSieNode, sorted by name, without absent fields', () => {
    const vpsieNodes = [
      vpsieNode('web-b', {
        phase: 'Ready',
        vpsID: '4711',
        ipAddress: '203.0.113.7',
        createdAt: '2026-11-25T08:00:00Z',
        readyAt: '2026-11-25T08:03:00Z',
      }),
      vpsieNode('web-a'),
    ];
    expect(observe({ vpsieNodes }).status.nodes).toEqual([
      {
        nodeName: 'web-a',
        instanceType: 'plan-4c8g',
        status: 'Pending',
        createdAt: '2026-11-25T09:00:00Z',
      },
      {
        nodeName: 'web-b',
        vpsID: '4711',
        instanceType: 'plan-4c8g',
        status: 'Ready',
        createdAt: '2026-11-25T08:00:00Z',
        readyAt: '2026-11-25T08:03:00Z',
        ipAddress: '203.0.113.7',
      },
    ]);
  });

  test('is bounded at MAX_NODES_LIMIT entries', () => {
    const vpsieNodes = Array.from({ length: 1005 }, (_, i) =>
      vpsieNode(`n-${String(i).padStart(4, '0')}`, { phase: 'Failed' }),
    );
    const { nodes } = observe({ vpsieNodes }).status;
    expect(nodes).toHaveLength(1000);
    expect(nodes.at(-1)?.nodeName).toBe('n-0999');
  });
});

describe('conditions', () => {
  test('Ready is True once readyNodes reaches minNodes, and False below it', () => {
    const group = nodeGroup({ minNodes: 2 });
    const one = observe({ group, ...readyMembers('n', 1) }).status.conditions;
    expect(condition(one, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InsufficientReadyNodes',
      message: '1 node(s) Ready, fewer than minNodes 2',
      observedGeneration: 3,
    });
    const two = observe({ group, ...readyMembers('n', 2) }).status.conditions;
    expect(condition(two, 'Ready')).toMatchObject({ status: 'True', reason: 'MinNodesReady' });
  });

  test('Ready is False while the group reports an error, even with enough nodes', () => {
    const members = readyMembers('n', 2);
    const vpsieNodes = [...members.vpsieNodes, vpsieNode('broken', { phase: 'Failed' })];
    const { conditions } = observe({ vpsieNodes, nodes: members.nodes }).status;
    expect(condition(conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'GroupError' });
  });

  test('Scaling says which way the group is moving', () => {
    const scaling = (input: Partial<NodeGroupStatusInput>) =>
      condition(observe(input).status.conditions, 'Scaling');
    expect(scaling(readyMembers('n', 2))).toMatchObject({ status: 'False', reason: 'Stable' });
    expect(scaling({ vpsieNodes: [vpsieNode('new')] })).toMatchObject({
      status: 'True',
      reason: 'ScalingUp',
      message: '1 node(s) provisioning: new',
    });
    expect(scaling({ vpsieNodes: [vpsieNode('joining', { phase: 'Joining' })] })?.reason).toBe(
      'ScalingUp',
    );
    expect(scaling({ vpsieNodes: [vpsieNode('old', { phase: 'Terminating' })] })).toMatchObject({
      status: 'True',
      reason: 'ScalingDown',
    });
    // A removal that has only tainted the Node so far is a scale-down too.
    expect(
      scaling({
        vpsieNodes: [vpsieNode('old', { phase: 'Ready' })],
        nodes: [node('old', { tainted: true })],
      })?.reason,
    ).toBe('ScalingDown');
    expect(
      scaling({
        vpsieNodes: [
          vpsieNode('new', { phase: 'Provisioning' }),
          vpsieNode('gone', { deleted: true }),
        ],
      }),
    ).toMatchObject({ status: 'True', reason: 'ScalingUpAndDown' });
    // Failed is neither: it stays until its TTL and is reported by Error.
    expect(scaling({ vpsieNodes: [vpsieNode('f', { phase: 'Failed' })] })?.reason).toBe('Stable');
  });

  test('AtMinCapacity and AtMaxCapacity compare currentNodes with the bounds', () => {
    const at = (n: number) => {
      const { conditions } = observe({
        group: nodeGroup({ minNodes: 2, maxNodes: 4 }),
        ...readyMembers('n', n),
      }).status;
      const min = condition(conditions, 'AtMinCapacity')!;
      const max = condition(conditions, 'AtMaxCapacity')!;
      return [min.status, min.reason, max.status, max.reason];
    };
    expect(at(1)).toEqual(['True', 'BelowMinNodes', 'False', 'BelowMaxNodes']);
    expect(at(2)).toEqual(['True', 'AtMinNodes', 'False', 'BelowMaxNodes']);
    expect(at(3)).toEqual(['False', 'AboveMinNodes', 'False', 'BelowMaxNodes']);
    expect(at(4)).toEqual(['False', 'AboveMinNodes', 'True', 'AtMaxNodes']);
    expect(at(6)).toEqual(['False', 'AboveMinNodes', 'True', 'AboveMaxNodes']);
  });

  test('above maxNodes with scale-down disabled, the condition says the excess stays', () => {
    const { conditions } = observe({
      group: nodeGroup({ maxNodes: 1, scaleDownPolicy: { enabled: false } }),
      ...readyMembers('n', 2),
    }).status;
    expect(condition(conditions, 'AtMaxCapacity')?.message).toBe(
      '2 node(s), 1 above maxNodes 1: scaleDownPolicy.enabled is false, so the excess stays',
    );
  });

  test('Error is True during an active scale-up backoff, with its last failure reason', () => {
    const backoff = {
      until: new Date(NOW_MS + 5 * MINUTE).toISOString(),
      consecutiveFailures: 2,
      lastFailureReason: 'QuotaExceeded: no more VMs in dc-fra1',
    };
    const error = condition(
      observe({ group: nodeGroup({}, { backoff }) }).status.conditions,
      'Error',
    );
    expect(error).toMatchObject({ status: 'True', reason: 'ScaleUpBackoff' });
    expect(error?.message).toContain('QuotaExceeded: no more VMs in dc-fra1');
    expect(error?.message).toContain('2 failure(s)');

    const expired = { ...backoff, until: new Date(NOW_MS - 1000).toISOString() };
    expect(
      condition(observe({ group: nodeGroup({}, { backoff: expired }) }).status.conditions, 'Error'),
    ).toMatchObject({ status: 'False', reason: 'NoError' });
  });

  test('Error is True while VPSieNodes are Failed, naming them and their reasons', () => {
    const vpsieNodes = [
      vpsieNode('f1', { phase: 'Failed', failureReason: 'JoinTimeout' }),
      vpsieNode('f2', { phase: 'Failed' }),
    ];
    expect(condition(observe({ vpsieNodes }).status.conditions, 'Error')).toMatchObject({
      status: 'True',
      reason: 'NodesFailed',
      message: '2 VPSieNode(s) Failed: f1 (JoinTimeout), f2',
    });
  });

  test('lastTransitionTime moves only when the status flips', () => {
    const first = observe({ vpsieNodes: [vpsieNode('new')] }).status;
    const scalingSince = condition(first.conditions, 'Scaling')!.lastTransitionTime;
    expect(scalingSince).toBe('2026-11-25T10:00:00Z');

    // Later, still provisioning but another phase and message: no transition.
    const stored: NodeGroupStatus = { ...first };
    const later = observeNodeGroup({
      group: nodeGroup({}, stored),
      vpsieNodes: [vpsieNode('new', { phase: 'Joining' }), vpsieNode('newer')],
      nodes: [],
      nowMs: NOW_MS + 3 * MINUTE,
    }).status;
    const stillScaling = condition(later.conditions, 'Scaling')!;
    expect(stillScaling.message).toBe('2 node(s) provisioning: new, newer');
    expect(stillScaling.lastTransitionTime).toBe(scalingSince);

    // Later still, the node is Ready: Scaling flips to False, and only now does the time move.
    const done = observeNodeGroup({
      group: nodeGroup({}, { ...later }),
      ...readyMembers('new', 1),
      nowMs: NOW_MS + 6 * MINUTE,
    }).status;
    expect(condition(done.conditions, 'Scaling')).toMatchObject({
      status: 'False',
      lastTransitionTime: '2026-11-25T10:06:00Z',
    });
    // Ready flipped too (1 Ready node reaches minNodes 1), and AtMinCapacity back to True (it
    // went False at 10:03 with two nodes); AtMaxCapacity was False throughout.
    const at = (type: string) => condition(done.conditions, type)?.lastTransitionTime;
    expect(condition(later.conditions, 'AtMinCapacity')?.lastTransitionTime).toBe(
      '2026-11-25T10:03:00Z',
    );
    expect(at('Ready')).toBe('2026-11-25T10:06:00Z');
    expect(at('AtMinCapacity')).toBe('2026-11-25T10:06:00Z');
    expect(at('AtMaxCapacity')).toBe('2026-11-25T10:00:00Z');
  });

  test("other writers' conditions are kept verbatim and in place", () => {
    const scaleDownFailed: Condition = {
      type: 'ScaleDownFailed',
      status: 'True',
      reason: 'DrainFailed',
      message: 'drain timed out',
      lastTransitionTime: '2026-11-25T09:30:00Z',
    };
    const oldReady: Condition = {
      type: 'Ready',
      status: 'False',
      reason: 'InsufficientReadyNodes',
      message: 'old',
      lastTransitionTime: '2026-11-25T09:00:00Z',
    };
    const { conditions } = observe({
      group: nodeGroup({}, { conditions: [oldReady, scaleDownFailed] }),
      ...readyMembers('n', 1),
    }).status;
    expect(conditions.map((c) => c.type)).toEqual([
      'Ready',
      'ScaleDownFailed',
      'Scaling',
      'AtMinCapacity',
      'AtMaxCapacity',
      'Error',
    ]);
    expect(conditions[1]).toEqual(scaleDownFailed);
    expect(conditions[0]).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-11-25T10:00:00Z',
    });
  });

  test('an invalid group gets Error and Ready saying why, keeping the rest', () => {
    const other = {
      type: 'SSHKeysResolved',
      status: 'True',
      reason: 'AllKeysResolved',
      message: 'ok',
      lastTransitionTime: '2026-11-25T09:00:00Z',
    };
    const conditions = invalidSpecConditions(
      [other, { type: 'broken' }],
      'spec.minNodes: minNodes must be less than or equal to maxNodes',
      NOW_MS,
      4,
    );
    expect(conditions).toEqual([
      other,
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'InvalidSpec' }),
      expect.objectContaining({
        type: 'Error',
        status: 'True',
        reason: 'InvalidSpec',
        observedGeneration: 4,
        message: expect.stringContaining('minNodes must be less than or equal to maxNodes'),
      }),
    ]);
  });
});

test('phase counts cover every phase, a VPSieNode without one as Pending', () => {
  const vpsieNodes = [
    vpsieNode('a'),
    vpsieNode('b', { phase: 'Pending' }),
    vpsieNode('c', { phase: 'Ready' }),
    vpsieNode('d', { phase: 'Failed' }),
    vpsieNode('e', { phase: 'Ready', deleted: true }),
  ];
  expect(observe({ vpsieNodes }).phaseCounts).toEqual({
    Pending: 2,
    Provisioning: 0,
    Provisioned: 0,
    Joining: 0,
    Ready: 2,
    Terminating: 0,
    Deleting: 0,
    Failed: 1,
  });
});

describe('statusDiffers', () => {
  test('is false for the status it computed, whatever the order of stored conditions', () => {
    const first = observe(readyMembers('n', 2)).status;
    const reordered: NodeGroupStatus = {
      ...first,
      conditions: [...first.conditions].reverse(),
      lastScaleUpTime: '2026-11-25T09:00:00Z',
    };
    const again = observeNodeGroup({
      group: nodeGroup({}, reordered),
      ...readyMembers('n', 2),
      nowMs: NOW_MS + MINUTE,
    }).status;
    expect(statusDiffers(reordered, again)).toBe(false);
  });

  test('is true when a size, the node list, a condition or the generation changed', () => {
    const base = observe(readyMembers('n', 2)).status;
    const stored: NodeGroupStatus = { ...base };
    expect(statusDiffers(undefined, base)).toBe(true);
    expect(statusDiffers({ ...stored, readyNodes: 1 }, base)).toBe(true);
    expect(statusDiffers({ ...stored, observedGeneration: 2 }, base)).toBe(true);
    expect(statusDiffers({ ...stored, nodes: base.nodes.slice(1) }, base)).toBe(true);
    const changed = base.conditions.map((c) =>
      c.type === 'Scaling' ? { ...c, message: 'something else' } : c,
    );
    expect(statusDiffers({ ...stored, conditions: changed }, base)).toBe(true);
  });
});

describe('excess above maxNodes', () => {
  const over = (spec: Record<string, unknown>) => nodeGroup({ minNodes: 0, ...spec });

  test('picks the newest Ready nodes, only as many as bring the group down to maxNodes', () => {
    const members = readyMembers('n', 5); // n-4 is the newest
    const { excess } = observe({
      group: over({ maxNodes: 3, scaleDownPolicy: { maxConcurrentScaleDowns: 5 } }),
      ...members,
    });
    expect(excess).toMatchObject({ over: 2, needed: 2, heldBack: 0, disabled: false });
    expect(excess.chosen).toEqual([
      { nodeName: 'n-4', vpsieNode: 'n-4' },
      { nodeName: 'n-3', vpsieNode: 'n-3' },
    ]);
  });

  test('never interrupts provisioning: nodes on their way count, but are never chosen', () => {
    const members = readyMembers('n', 2);
    const vpsieNodes = [...members.vpsieNodes, vpsieNode('joining', { phase: 'Joining' })];
    const { excess, status } = observe({
      group: over({ maxNodes: 1, scaleDownPolicy: { maxConcurrentScaleDowns: 5 } }),
      vpsieNodes,
      nodes: [...members.nodes, node('joining')],
    });
    expect(status.currentNodes).toBe(3);
    expect(excess.needed).toBe(2);
    expect(excess.chosen.map((c) => c.nodeName)).toEqual(['n-1', 'n-0']);
  });

  test('only our nodes: a VPSieNode whose Node is missing or not labelled ours is not chosen', () => {
    const vpsieNodes = [
      vpsieNode('no-node', { phase: 'Ready', createdAt: '2026-11-25T09:59:00Z' }),
      vpsieNode('foreign', { phase: 'Ready', createdAt: '2026-11-25T09:58:00Z' }),
      vpsieNode('ours', { phase: 'Ready', createdAt: '2026-11-25T09:00:00Z' }),
    ];
    const nodes = [
      node('foreign', { labels: { 'autoscaler.vpsie.com/managed': 'false' } }),
      node('ours'),
    ];
    const { excess } = observe({
      group: over({ maxNodes: 1, scaleDownPolicy: { maxConcurrentScaleDowns: 5 } }),
      vpsieNodes,
      nodes,
    });
    expect(excess.needed).toBe(2);
    expect(excess.chosen.map((c) => c.nodeName)).toEqual(['ours']);
  });

  test('removals in progress count towards the excess and are not chosen again', () => {
    const members = readyMembers('n', 4);
    const group = over({ maxNodes: 2, scaleDownPolicy: { maxConcurrentScaleDowns: 5 } });
    // n-3 has a workflow running (not visible on the objects yet); n-2's Node is tainted.
    members.nodes[2] = node('n-2', { tainted: true });
    const { excess } = observeNodeGroup({
      group,
      ...members,
      nowMs: NOW_MS,
      excess: { inFlight: ['n-3'] },
    });
    expect(excess).toMatchObject({ over: 2, needed: 0, chosen: [] });

    const oneGoing = observeNodeGroup({
      group: over({ maxNodes: 1, scaleDownPolicy: { maxConcurrentScaleDowns: 5 } }),
      ...readyMembers('n', 3),
      nowMs: NOW_MS,
      excess: { inFlight: ['n-2'] },
    }).excess;
    expect(oneGoing.needed).toBe(1);
    expect(oneGoing.chosen.map((c) => c.nodeName)).toEqual(['n-1']);
  });

  test('nodes passed over for now are skipped in favour of the next newest', () => {
    const { excess } = observeNodeGroup({
      group: over({ maxNodes: 2 }),
      ...readyMembers('n', 3),
      nowMs: NOW_MS,
      excess: { notNow: ['n-2'] },
    });
    expect(excess.chosen.map((c) => c.nodeName)).toEqual(['n-1']);
  });

  test('no more at once than maxConcurrentScaleDowns, counting removals in progress', () => {
    const group = over({ maxNodes: 1, scaleDownPolicy: { maxConcurrentScaleDowns: 2 } });
    const fresh = observe({ group, ...readyMembers('n', 5) }).excess;
    expect(fresh).toMatchObject({ needed: 4, heldBack: 2 });
    expect(fresh.chosen.map((c) => c.nodeName)).toEqual(['n-4', 'n-3']);

    const members = readyMembers('n', 5);
    members.vpsieNodes.push(vpsieNode('leaving', { phase: 'Terminating' }));
    const busy = observeNodeGroup({
      group,
      ...members,
      nowMs: NOW_MS,
      excess: { inFlight: ['n-4'] },
    }).excess;
    // Two removals running (n-4, leaving): no slot left.
    expect(busy).toMatchObject({ needed: 3, chosen: [], heldBack: 3 });
  });

  test('nothing is chosen when scale-down is disabled for the group', () => {
    const { excess } = observe({
      group: over({ maxNodes: 1, scaleDownPolicy: { enabled: false } }),
      ...readyMembers('n', 3),
    });
    expect(excess).toMatchObject({ over: 2, chosen: [], disabled: true });
  });

  test('within maxNodes nothing is chosen', () => {
    const { excess } = observe({ group: over({ maxNodes: 3 }), ...readyMembers('n', 3) });
    expect(excess).toEqual({ over: 0, needed: 0, chosen: [], heldBack: 0, disabled: false });
  });
});
