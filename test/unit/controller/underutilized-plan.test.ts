import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { ANNOTATIONS, LABELS, TAINTS } from '../../../src/apis/v1alpha1';
import type { EffectiveScaleDownPolicy } from '../../../src/disruption/scale-down-policy';
import {
  groupMembership,
  isBeingRemoved,
  planGroupScaleDown,
  type GroupScaleDownInput,
} from '../../../src/disruption/underutilized';
import { NodeSampleStore } from '../../../src/state/utilization';
import { MINUTE, NOW, node, pod } from '../disruption/fixtures';

const INTERVAL_S = 60;

const basePolicy: EffectiveScaleDownPolicy = {
  enabled: true,
  minNodes: 0,
  utilizationThreshold: 0.5,
  unneededSeconds: 600,
  maxConcurrentScaleDowns: 1,
  cooldowns: {},
  skippedChecks: [],
};

/** One sample a minute from `fromMs` to `toMs` at `utilization` (cpu; memory half of it). */
function history(
  store: NodeSampleStore,
  name: string,
  utilization: number,
  fromMs: number,
  toMs = NOW,
) {
  for (let t = fromMs; t <= toMs; t += INTERVAL_S * 1000)
    store.add(name, t, utilization, utilization / 2);
}

interface Scenario {
  members: V1Node[];
  pods?: V1Pod[];
  others?: V1Node[];
  policy?: Partial<EffectiveScaleDownPolicy>;
  inFlight?: string[];
  otherNodesLeaving?: string[];
  store: NodeSampleStore;
}

function plan(s: Scenario) {
  const pods = s.pods ?? [];
  const podsByNode = new Map<string, V1Pod[]>();
  for (const p of pods) {
    const name = p.spec!.nodeName!;
    podsByNode.set(name, [...(podsByNode.get(name) ?? []), p]);
  }
  const input: GroupScaleDownInput = {
    policy: { ...basePolicy, ...s.policy },
    members: s.members,
    samples: s.store,
    sampleIntervalSeconds: INTERVAL_S,
    inFlight: s.inFlight ?? [],
    otherNodesLeaving: s.otherNodesLeaving ?? [],
    cluster: {
      allNodes: [...s.members, ...(s.others ?? [])],
      podsByNode,
      boundPods: pods,
      pdbs: [],
      pvsByClaim: {},
    },
    nowMs: NOW,
  };
  return planGroupScaleDown(input);
}

const reasons = (selection: ReturnType<typeof plan>) =>
  Object.fromEntries(selection.notChosen.map((n) => [n.name, n.reason]));

test('only the node that stayed below the threshold for the unneeded time is chosen', () => {
  const store = new NodeSampleStore(61);
  history(store, 'empty', 0, NOW - 15 * MINUTE);
  history(store, 'busy', 0.75, NOW - 15 * MINUTE);
  history(store, 'recent', 0.2, NOW - 5 * MINUTE);
  const selection = plan({
    store,
    members: [node('empty'), node('busy'), node('recent')],
    pods: [
      pod('busy-app', { node: 'busy', cpu: '3' }),
      pod('recent-app', { node: 'recent', cpu: '800m' }),
    ],
  });
  expect(selection.chosen).toEqual([
    { name: 'empty', empty: true, utilization: 0, unneededForMs: 15 * MINUTE },
  ]);
  expect(reasons(selection)).toEqual({
    busy: 'above_threshold',
    recent: 'unneeded_time_not_reached',
  });
});

test('a node whose samples stopped is not judged on old data', () => {
  const store = new NodeSampleStore(61);
  // Idle for an hour, but the newest sample is 4 minutes old (more than 2.5 intervals).
  history(store, 'silent', 0, NOW - 60 * MINUTE, NOW - 4 * MINUTE);
  const selection = plan({ store, members: [node('silent'), node('other')] });
  expect(reasons(selection).silent).toBe('no_utilization_data');
});

test('minNodes caps the removals of one pass', () => {
  const store = new NodeSampleStore(61);
  for (const name of ['a', 'b', 'c']) history(store, name, 0, NOW - 15 * MINUTE);
  const selection = plan({
    store,
    members: [node('a'), node('b'), node('c')],
    policy: { minNodes: 2, maxConcurrentScaleDowns: 3 },
  });
  expect(selection.chosen.map((c) => c.name)).toEqual(['a']);
  expect(reasons(selection)).toEqual({ b: 'min_nodes', c: 'min_nodes' });
});

test('running removals count against the concurrency limit and minNodes', () => {
  const store = new NodeSampleStore(61);
  for (const name of ['a', 'b', 'c']) history(store, name, 0, NOW - 15 * MINUTE);
  const members = [node('a'), node('b'), node('c')];
  // A workflow started a moment ago for `a`: its Node does not show it yet.
  expect(reasons(plan({ store, members, inFlight: ['a'] }))).toEqual({
    a: 'being_deleted',
    b: 'concurrency_limit',
    c: 'concurrency_limit',
  });
  const floor = plan({
    store,
    members,
    inFlight: ['a'],
    policy: { minNodes: 2, maxConcurrentScaleDowns: 2 },
  });
  expect(floor.chosen).toEqual([]);
  expect(reasons(floor)).toMatchObject({ b: 'min_nodes', c: 'min_nodes' });
});

test('a node failing a safety check is skipped and the next candidate goes instead', () => {
  const store = new NodeSampleStore(61);
  history(store, 'kept', 0, NOW - 30 * MINUTE);
  history(store, 'spare', 0.1, NOW - 15 * MINUTE);
  const selection = plan({
    store,
    members: [node('kept', { annotations: { [ANNOTATIONS.protected]: 'true' } }), node('spare')],
  });
  expect(selection.chosen.map((c) => c.name)).toEqual(['spare']);
  expect(selection.notChosen).toEqual([
    expect.objectContaining({
      name: 'kept',
      reason: 'unsafe',
      safetyFailures: [expect.objectContaining({ code: 'protected' })],
    }),
  ]);
});

test("a paused group's nodes are held back by the pause", () => {
  const store = new NodeSampleStore(61);
  history(store, 'a', 0, NOW - 15 * MINUTE);
  const selection = plan({
    store,
    members: [node('a'), node('b')],
    policy: { pause: { paused: true, reason: 'incident' } },
  });
  expect(selection.chosen).toEqual([]);
  expect(selection.notChosen[0]).toMatchObject({
    name: 'a',
    reason: 'unsafe',
    safetyFailures: [expect.objectContaining({ code: 'paused' })],
  });
});

test("pods cannot be planned onto nodes leaving with another group's removal", () => {
  const store = new NodeSampleStore(61);
  history(store, 'a', 0.25, NOW - 15 * MINUTE);
  const pods = [pod('a-app', { node: 'a', cpu: '1' })];
  const members = [node('a')];
  const others = [node('elsewhere')];
  expect(plan({ store, members, others, pods }).chosen.map((c) => c.name)).toEqual(['a']);
  const leaving = plan({ store, members, others, pods, otherNodesLeaving: ['elsewhere'] });
  expect(leaving.chosen).toEqual([]);
  expect(leaving.notChosen[0]).toMatchObject({ name: 'a', reason: 'unsafe' });
});

test('a threshold of 0 makes no node underutilised', () => {
  const store = new NodeSampleStore(61);
  history(store, 'a', 0, NOW - 15 * MINUTE);
  const selection = plan({ store, members: [node('a')], policy: { utilizationThreshold: 0 } });
  expect(selection.chosen).toEqual([]);
  expect(reasons(selection)).toEqual({ a: 'above_threshold' });
});

test('our to-be-deleted taint marks a node as already being removed', () => {
  const tainted = node('a', { taints: [{ key: TAINTS.toBeDeleted, effect: 'NoSchedule' }] });
  expect(isBeingRemoved(tainted)).toBe(true);
  expect(isBeingRemoved(node('b', { deleting: true }))).toBe(true);
  expect(isBeingRemoved(node('c'))).toBe(false);
});

test('group membership is read from the labels we put on our Nodes', () => {
  const labels = {
    [LABELS.managed]: 'true',
    [LABELS.nodeGroup]: 'web',
    [LABELS.nodeGroupNamespace]: 'prod',
  };
  expect(groupMembership(node('a', { labels }))).toEqual({ namespace: 'prod', nodeGroup: 'web' });
  expect(groupMembership(node('a', { labels: { ...labels, [LABELS.vpsieNode]: 'a' } }))).toEqual({
    namespace: 'prod',
    nodeGroup: 'web',
    vpsieNode: 'a',
  });
  expect(groupMembership(node('a', { labels: { ...labels, [LABELS.managed]: 'false' } }))).toBe(
    undefined,
  );
  const noNamespace: Record<string, string> = { ...labels };
  delete noNamespace[LABELS.nodeGroupNamespace];
  expect(groupMembership(node('a', { labels: noNamespace }))).toBeUndefined();
});
