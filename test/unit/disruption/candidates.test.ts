import {
  type CandidateNode,
  type CandidateInput,
  runSafetyChecks,
  selectCandidates,
  type SafetyResult,
} from '../../../src/disruption';
import { MINUTE, NOW, node, pod, safetyInput } from './fixtures';

const LONG_AGO = NOW - 60 * MINUTE;

/** A node that has been below the threshold for an hour, running one ordinary pod. */
function busyNode(
  name: string,
  utilization: number,
  patch: Partial<CandidateNode> = {},
): CandidateNode {
  return {
    name,
    utilization,
    belowThresholdSinceMs: LONG_AGO,
    pods: [pod(`${name}-app`, { node: name })],
    ...patch,
  };
}

/** Only a DaemonSet pod, a mirror pod and a finished pod: nothing to drain. */
function emptyNode(name: string, utilization: number): CandidateNode {
  return busyNode(name, utilization, {
    pods: [
      pod(`${name}-agent`, { owner: 'DaemonSet', node: name }),
      pod(`${name}-static`, { mirror: true, node: name }),
      pod(`${name}-job`, { owner: 'Job', phase: 'Succeeded', node: name }),
    ],
  });
}

function select(nodes: CandidateNode[], group: Partial<CandidateInput['group']> = {}, extra = {}) {
  return selectCandidates({
    nodes,
    group: { minNodes: 0, maxConcurrentScaleDowns: 10, ...group },
    nowMs: NOW,
    ...extra,
  });
}

const names = (selection: ReturnType<typeof select>) => selection.chosen.map((c) => c.name);
const reasonOf = (selection: ReturnType<typeof select>, name: string) =>
  selection.notChosen.find((n) => n.name === name)?.reason;

describe('eligibility', () => {
  test('below the threshold for the whole unneeded time: a candidate', () => {
    const selection = select([busyNode('a', 0.2)]);
    expect(selection.chosen).toEqual([
      { name: 'a', empty: false, utilization: 0.2, unneededForMs: 60 * MINUTE },
    ]);
    expect(selection.notChosen).toEqual([]);
  });

  test('utilisation at or above the threshold (default 0.5) is not', () => {
    const selection = select([busyNode('at', 0.5), busyNode('below', 0.49)]);
    expect(names(selection)).toEqual(['below']);
    expect(reasonOf(selection, 'at')).toBe('above_threshold');
  });

  test('below for less than the unneeded time (default 10 min) is not yet', () => {
    const selection = select([
      busyNode('recent', 0.1, { belowThresholdSinceMs: NOW - 9 * MINUTE }),
      busyNode('ten', 0.1, { belowThresholdSinceMs: NOW - 10 * MINUTE }),
      busyNode('never', 0.1, { belowThresholdSinceMs: undefined }),
    ]);
    expect(names(selection)).toEqual(['ten']);
    expect(reasonOf(selection, 'recent')).toBe('unneeded_time_not_reached');
    expect(selection.notChosen.find((n) => n.name === 'recent')?.message).toContain(
      '9 min of the 10 min',
    );
    expect(reasonOf(selection, 'never')).toBe('unneeded_time_not_reached');
  });

  test('the group’s threshold and unneeded time replace the defaults', () => {
    const nodes = [busyNode('a', 0.6, { belowThresholdSinceMs: NOW - 3 * MINUTE })];
    expect(names(select(nodes))).toEqual([]);
    expect(names(select(nodes, { utilizationThreshold: 0.7, unneededTimeMs: 2 * MINUTE }))).toEqual(
      ['a'],
    );
  });

  test('a node without utilisation data is not a candidate', () => {
    const selection = select([
      busyNode('new', 0, { utilization: undefined }),
      busyNode('nan', 0, { utilization: NaN }),
    ]);
    expect(selection.chosen).toEqual([]);
    expect(reasonOf(selection, 'new')).toBe('no_utilization_data');
    expect(reasonOf(selection, 'nan')).toBe('no_utilization_data');
  });
});

describe('ordering', () => {
  test('empty nodes first, then the least utilised', () => {
    const selection = select([
      busyNode('busy-30', 0.3),
      busyNode('busy-10', 0.1),
      emptyNode('empty-40', 0.4),
      emptyNode('empty-20', 0.2),
    ]);
    expect(names(selection)).toEqual(['empty-20', 'empty-40', 'busy-10', 'busy-30']);
    expect(selection.chosen.map((c) => c.empty)).toEqual([true, true, false, false]);
  });

  test('equal utilisation: the longest unneeded first, then by name', () => {
    const selection = select([
      busyNode('c', 0.2, { belowThresholdSinceMs: NOW - 20 * MINUTE }),
      busyNode('b', 0.2, { belowThresholdSinceMs: NOW - 30 * MINUTE }),
      busyNode('a', 0.2, { belowThresholdSinceMs: NOW - 20 * MINUTE }),
    ]);
    expect(names(selection)).toEqual(['b', 'a', 'c']);
  });
});

describe('limits', () => {
  const five = () => ['a', 'b', 'c', 'd', 'e'].map((n, i) => busyNode(n, 0.1 + i / 100));

  test('never goes below minNodes', () => {
    const selection = select(five(), { minNodes: 3 });
    expect(names(selection)).toEqual(['a', 'b']);
    expect(['c', 'd', 'e'].map((n) => reasonOf(selection, n))).toEqual([
      'min_nodes',
      'min_nodes',
      'min_nodes',
    ]);
  });

  test('nodes being deleted do not count towards minNodes (the cascade-delete bug)', () => {
    const nodes = five();
    nodes[4] = { ...nodes[4]!, beingDeleted: true };
    const selection = select(nodes, { minNodes: 3 });
    // 4 nodes remain outside the removal in flight, so only one more may go.
    expect(names(selection)).toEqual(['a']);
    expect(reasonOf(selection, 'e')).toBe('being_deleted');
    expect(reasonOf(selection, 'b')).toBe('min_nodes');
  });

  test('at minNodes nothing is chosen', () => {
    const selection = select(five(), { minNodes: 5 });
    expect(selection.chosen).toEqual([]);
    expect(selection.notChosen.every((n) => n.reason === 'min_nodes')).toBe(true);
  });

  test('at most maxConcurrentScaleDowns at once (default 1), counting removals in flight', () => {
    expect(names(selectCandidates({ nodes: five(), group: { minNodes: 0 }, nowMs: NOW }))).toEqual([
      'a',
    ]);
    const selection = select(five(), {
      maxConcurrentScaleDowns: 3,
      inFlightRemovals: ['gone-already'],
    });
    expect(names(selection)).toEqual(['a', 'b']);
    expect(reasonOf(selection, 'c')).toBe('concurrency_limit');
    expect(selection.notChosen.find((n) => n.name === 'c')?.message).toContain('1 of at most 3');
  });

  test('a node both marked deleting and listed in flight is counted once', () => {
    const nodes = five();
    nodes[4] = { ...nodes[4]!, beingDeleted: true };
    const selection = select(nodes, { maxConcurrentScaleDowns: 2, inFlightRemovals: ['e'] });
    expect(names(selection)).toEqual(['a']);
  });

  test('the tighter limit names the reason', () => {
    const selection = select(five(), { minNodes: 1, maxConcurrentScaleDowns: 2 });
    expect(names(selection)).toEqual(['a', 'b']);
    expect(reasonOf(selection, 'c')).toBe('concurrency_limit');
  });

  test('every node is either chosen or explained, in input order', () => {
    const nodes = [busyNode('x', 0.9), ...five(), busyNode('y', 0.1, { utilization: undefined })];
    const selection = select(nodes, { minNodes: 2, maxConcurrentScaleDowns: 2 });
    expect([...names(selection), ...selection.notChosen.map((n) => n.name)].sort()).toEqual(
      nodes.map((n) => n.name).sort(),
    );
    expect(selection.notChosen.map((n) => n.name)).toEqual(['x', 'c', 'd', 'e', 'y']);
  });
});

describe('safety gate', () => {
  test('an unsafe candidate is skipped, explained, and the next one tried', () => {
    const calls: [string, readonly string[]][] = [];
    const gate = (name: string, chosen: readonly string[]): SafetyResult => {
      calls.push([name, chosen]);
      if (name !== 'a') return { ok: true, failures: [] };
      const failure = {
        ok: false as const,
        code: 'pdb' as const,
        message: 'PDB default/web allows 0',
      };
      return { ok: false, failures: [failure], blocking: failure };
    };
    const nodes = [busyNode('a', 0.1), busyNode('b', 0.2), busyNode('c', 0.3)];
    const selection = select(nodes, { maxConcurrentScaleDowns: 2 }, { isSafeToRemove: gate });
    expect(names(selection)).toEqual(['b', 'c']);
    expect(selection.notChosen).toEqual([
      {
        name: 'a',
        reason: 'unsafe',
        message: 'blocked by pdb: PDB default/web allows 0',
        safetyFailures: [expect.objectContaining({ code: 'pdb' })],
      },
    ]);
    expect(calls).toEqual([
      ['a', []],
      ['b', []],
      ['c', ['b']],
    ]);
  });

  test('with runSafetyChecks, two nodes that would each rely on the other are not both removed', () => {
    // a and b (6 CPUs each) each run a 3-CPU pod; the only room for either is on the other.
    const a = node('a', { cpu: '6' });
    const b = node('b', { cpu: '6' });
    const podA = pod('pa', { node: 'a', cpu: '3' });
    const podB = pod('pb', { node: 'b', cpu: '3' });
    const allNodes = [a, b];
    const allPods = [podA, podB];
    const gate = (name: string, alreadyChosen: readonly string[]) => {
      const candidate = name === 'a' ? a : b;
      return runSafetyChecks({
        ...safetyInput(candidate),
        podsOnNode: name === 'a' ? [podA] : [podB],
        allNodes,
        allPods,
        group: {
          minNodes: 0,
          currentNodes: ['a', 'b'],
          deletingNodes: [],
          maxUtilizationAfterRemoval: 1,
        },
        otherNodesLeaving: alreadyChosen,
      });
    };
    const selection = select(
      [busyNode('a', 0.1), busyNode('b', 0.2)],
      { maxConcurrentScaleDowns: 2 },
      { isSafeToRemove: gate },
    );
    expect(names(selection)).toEqual(['a']);
    expect(selection.notChosen[0]).toMatchObject({ name: 'b', reason: 'unsafe' });
    expect(selection.notChosen[0]?.message).toContain('blocked by cannot_reschedule');
  });
});
