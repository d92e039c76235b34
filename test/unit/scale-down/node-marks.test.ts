// Cordon and uncordon as merge patches: what we add, and that undoing removes exactly that
// (an operator's cordon and other taints survive).
import type { V1Node, V1Taint } from '@kubernetes/client-node';
import { ANNOTATIONS, TAINTS } from '../../../src/apis/v1alpha1';
import {
  cordonPatch,
  drainStartMs,
  uncordonPatch,
} from '../../../src/activities/scale-down/node-marks';

const NOW = Date.parse('2025-06-04T12:00:00.250Z');
const dedicated: V1Taint = { key: 'dedicated', value: 'web', effect: 'NoSchedule' };

function node(
  options: {
    unschedulable?: boolean;
    taints?: V1Taint[];
    annotations?: Record<string, string>;
  } = {},
): V1Node {
  return {
    metadata: { name: 'n1', resourceVersion: '42', annotations: options.annotations },
    spec: { unschedulable: options.unschedulable, taints: options.taints },
  };
}

/** The node as the API server would store it after a merge patch (null deletes a key). */
function apply(before: V1Node, patch: ReturnType<typeof cordonPatch>): V1Node {
  const annotations: Record<string, string> = { ...before.metadata?.annotations };
  for (const [key, value] of Object.entries(patch.metadata.annotations)) {
    if (value === null) delete annotations[key];
    else annotations[key] = value;
  }
  return {
    metadata: { ...before.metadata, annotations },
    spec: { ...before.spec, ...patch.spec },
  };
}

describe('cordonPatch', () => {
  test('makes the node unschedulable, adds our NoSchedule taint and marks the drain', () => {
    const patch = cordonPatch(node({ taints: [dedicated] }), NOW);
    expect(patch).toEqual({
      metadata: {
        resourceVersion: '42',
        annotations: {
          [ANNOTATIONS.drainStatus]: 'draining',
          [ANNOTATIONS.drainStartTime]: '2025-06-04T12:00:00.250Z',
          [ANNOTATIONS.unschedulableBeforeDrain]: 'false',
        },
      },
      spec: {
        unschedulable: true,
        taints: [dedicated, { key: TAINTS.toBeDeleted, value: '1749038400', effect: 'NoSchedule' }],
      },
    });
  });

  test('the taint value is a valid label value (Unix seconds, no colons)', () => {
    const taint = cordonPatch(node(), NOW).spec!.taints!.find((t) => t.key === TAINTS.toBeDeleted);
    expect(taint?.value).toMatch(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/);
  });

  test('records that an operator had already cordoned the node', () => {
    const patch = cordonPatch(node({ unschedulable: true }), NOW);
    expect(patch.metadata.annotations[ANNOTATIONS.unschedulableBeforeDrain]).toBe('true');
  });

  test('is idempotent: a second cordon keeps the taint and the first record of the node', () => {
    const once = apply(
      node({ taints: [dedicated] }),
      cordonPatch(node({ taints: [dedicated] }), NOW),
    );
    const later = NOW + 60_000;
    const twice = cordonPatch(once, later);
    expect(twice.spec!.taints).toEqual(once.spec!.taints);
    // Unschedulable now because of us: the record must still say the node was schedulable.
    expect(twice.metadata.annotations[ANNOTATIONS.unschedulableBeforeDrain]).toBe('false');
    expect(twice.metadata.annotations[ANNOTATIONS.drainStartTime]).toBe(
      new Date(later).toISOString(),
    );
  });
});

describe('uncordonPatch', () => {
  test('undoes a cordon of a schedulable node completely, keeping other taints', () => {
    const before = node({ taints: [dedicated], annotations: { team: 'a' } });
    const after = apply(before, uncordonPatch(apply(before, cordonPatch(before, NOW)))!);
    expect(after.spec).toEqual({ unschedulable: false, taints: [dedicated] });
    expect(after.metadata?.annotations).toEqual({ team: 'a' });
  });

  test("leaves an operator's cordon in place, removing only our taint and annotations", () => {
    const before = node({ unschedulable: true });
    const cordoned = apply(before, cordonPatch(before, NOW));
    const patch = uncordonPatch(cordoned)!;
    expect(patch.spec).toEqual({ taints: [] });
    expect(apply(cordoned, patch).spec?.unschedulable).toBe(true);
    expect(apply(cordoned, patch).metadata?.annotations).toEqual({});
  });

  test('does nothing to a node we never cordoned', () => {
    expect(uncordonPatch(node({ unschedulable: true, taints: [dedicated] }))).toBeUndefined();
  });

  test('without our record it does not touch spec.unschedulable (it cannot know who set it)', () => {
    const patch = uncordonPatch(
      node({ unschedulable: true, taints: [cordonPatch(node(), NOW).spec!.taints![0]!] }),
    );
    expect(patch?.spec).toEqual({ taints: [] });
  });

  test('removes leftover drain annotations even when the taint is already gone', () => {
    const patch = uncordonPatch(node({ annotations: { [ANNOTATIONS.drainStatus]: 'drained' } }));
    expect(patch).toEqual({
      metadata: { resourceVersion: '42', annotations: { [ANNOTATIONS.drainStatus]: null } },
    });
  });

  test('guards the whole-list taint update with the resourceVersion read', () => {
    const cordoned = apply(node(), cordonPatch(node(), NOW));
    expect(uncordonPatch(cordoned)?.metadata.resourceVersion).toBe('42');
  });
});

describe('drainStartMs', () => {
  const draining = (start: string) =>
    node({
      annotations: { [ANNOTATIONS.drainStatus]: 'draining', [ANNOTATIONS.drainStartTime]: start },
    });

  test('a node marked draining gives the recorded start', () => {
    expect(drainStartMs(draining('2025-06-04T11:59:00Z'), NOW)).toBe(
      Date.parse('2025-06-04T11:59:00Z'),
    );
  });

  test('no start without the draining mark, a readable time, or a node', () => {
    expect(drainStartMs(node(), NOW)).toBeUndefined();
    expect(drainStartMs(undefined, NOW)).toBeUndefined();
    expect(drainStartMs(draining('soon'), NOW)).toBeUndefined();
    expect(
      drainStartMs(
        node({
          annotations: {
            [ANNOTATIONS.drainStatus]: 'drained',
            [ANNOTATIONS.drainStartTime]: '2025-06-04T11:59:00Z',
          },
        }),
        NOW,
      ),
    ).toBeUndefined();
  });

  test('a start in the future (clock skew) is ignored rather than stretching the deadline', () => {
    expect(drainStartMs(draining('2025-06-04T12:05:00Z'), NOW)).toBeUndefined();
  });
});
