// How many more nodes a group and offering may get, and which limit says so.
import { Limits } from '../../../src/scheduling/limits';
import { GIB, NOW, group, offering } from './fixtures';

const unlimited = { maxNodesTotal: 0, coresTotal: 0, memoryTotalBytes: 0, maxNodesPerScaleUp: 0 };

function limits(
  l: Partial<typeof unlimited> = {},
  totals = { nodes: 10, cores: 40, memoryBytes: 80 * GIB },
) {
  return new Limits({ currentTotals: totals, limits: { ...unlimited, ...l }, nowMs: NOW });
}

describe('Limits', () => {
  const small = offering(4, 8);

  test('only the group maximum when nothing else is set', () => {
    expect(limits().allowance(group('demo', { currentNodes: 3, maxNodes: 10 }), small)).toEqual({
      nodes: 7,
      limit: { reason: 'at_max_nodes', detail: 'demo has 3 of maxNodes 10' },
    });
  });

  test('scale-up disabled and backoff allow nothing', () => {
    expect(limits().allowance(group('demo', { scaleUpEnabled: false }), small)).toMatchObject({
      nodes: 0,
      limit: { reason: 'policy_disabled' },
    });
    expect(limits().allowance(group('demo', { backoffUntilMs: NOW + 1 }), small)).toMatchObject({
      nodes: 0,
      limit: { reason: 'backoff' },
    });
    // A backoff that ended is no limit.
    expect(limits().allowance(group('demo', { backoffUntilMs: NOW }), small).nodes).toBe(100);
  });

  test('cluster nodes, cores and memory, in whole nodes of the offering', () => {
    const g = group('demo');
    expect(limits({ maxNodesTotal: 12 }).allowance(g, small)).toMatchObject({
      nodes: 2,
      limit: { reason: 'cluster_limit' },
    });
    expect(limits({ coresTotal: 51 }).allowance(g, small).nodes).toBe(2);
    expect(limits({ coresTotal: 51 }).allowance(g, offering(8, 16)).nodes).toBe(1);
    expect(limits({ memoryTotalBytes: 100 * GIB }).allowance(g, small).nodes).toBe(2);
    expect(limits({ coresTotal: 30 }).allowance(g, small).nodes).toBe(0);
  });

  test('every planned node counts: group, plan and cluster', () => {
    const l = limits({ maxNodesPerScaleUp: 5, maxNodesTotal: 20, coresTotal: 100 });
    const a = group('a', { maxNodes: 4 });
    const b = group('b');
    l.add(a, small, 3);
    expect(l.planned).toBe(3);
    expect(l.allowance(a, small)).toEqual({
      nodes: 1,
      limit: { reason: 'at_max_nodes', detail: 'a has 3 of maxNodes 4 (3 of them planned now)' },
    });
    expect(l.allowance(b, small)).toEqual({
      nodes: 2,
      limit: {
        reason: 'max_nodes_per_scale_up',
        detail: 'this scale-up already asks for 3 of maxNodesPerScaleUp 5 nodes',
      },
    });
    l.add(b, small, 1);
    // 40 + 16 cores planned: 44 left, 11 nodes of 4; the plan limit (1) is smaller.
    expect(l.allowance(b, small).nodes).toBe(1);
  });
});
