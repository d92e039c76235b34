// Properties of the rescheduling simulation over generated pods and nodes.
import fc from 'fast-check';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { simulateRescheduling } from '../../../../src/disruption';
import { nodeAllocatable, podRequests } from '../../../../src/disruption/resources';
import { checkCannotReschedule } from '../../../../src/disruption/safety/rescheduling';
import { node, pod, safetyInput } from '../fixtures';

interface PodSize {
  cpuMilli: number;
  memoryMi: number;
}

const podSize = fc.record({
  cpuMilli: fc.integer({ min: 0, max: 4000 }),
  memoryMi: fc.integer({ min: 0, max: 8192 }),
});
const podSizes = (min: number) => fc.array(podSize, { minLength: min, maxLength: 25 });

const asPods = (sizes: PodSize[], prefix: string, nodeName?: string): V1Pod[] =>
  sizes.map((s, i) =>
    pod(`${prefix}-${i}`, { node: nodeName, cpu: `${s.cpuMilli}m`, memory: `${s.memoryMi}Mi` }),
  );

const total = (sizes: PodSize[]) =>
  sizes.reduce(
    (sum, s) => ({ cpuMilli: sum.cpuMilli + s.cpuMilli, memoryMi: sum.memoryMi + s.memoryMi }),
    {
      cpuMilli: 0,
      memoryMi: 0,
    },
  );

/** Some other nodes of random size, possibly tiny: they must not change the outcome. */
const noiseNodes = fc.array(
  fc.record({
    cpuMilli: fc.integer({ min: 0, max: 2000 }),
    memoryMi: fc.integer({ min: 0, max: 2048 }),
  }),
  { maxLength: 4 },
);
const sized = (name: string, s: PodSize, pods = 110, extra = {}): V1Node =>
  node(name, { cpu: `${s.cpuMilli}m`, memory: `${s.memoryMi}Mi`, pods: String(pods), ...extra });

test('never blocks when one remaining node has free room for all the pods together', () => {
  fc.assert(
    fc.property(podSizes(0), podSizes(0), podSize, noiseNodes, (moving, existing, slack, noise) => {
      const need = total(moving);
      const used = total(existing);
      const roomy = sized(
        'roomy',
        {
          cpuMilli: need.cpuMilli + used.cpuMilli + slack.cpuMilli,
          memoryMi: need.memoryMi + used.memoryMi + slack.memoryMi,
        },
        moving.length + existing.length,
      );
      const input = safetyInput(node('candidate'), {
        podsOnNode: asPods(moving, 'moving'),
        others: [roomy, ...noise.map((s, i) => sized(`noise-${i}`, s))],
        otherPods: asPods(existing, 'existing', 'roomy'),
      });
      expect(checkCannotReschedule(input)).toEqual({ ok: true });
    }),
  );
});

test('always blocks, naming every pod, when every remaining node has a taint nobody tolerates', () => {
  fc.assert(
    fc.property(podSizes(1), fc.array(podSize, { minLength: 0, maxLength: 5 }), (moving, sizes) => {
      const taints = [{ key: 'nobody-tolerates', value: 'x', effect: 'NoSchedule' }];
      const huge = { cpuMilli: 1_000_000, memoryMi: 1_000_000 };
      const others = sizes.map((s, i) =>
        sized(
          `tainted-${i}`,
          { cpuMilli: s.cpuMilli + huge.cpuMilli, memoryMi: s.memoryMi + huge.memoryMi },
          110,
          { taints },
        ),
      );
      const podsOnNode = asPods(moving, 'moving').map((p, i) => ({
        ...p,
        spec: {
          ...p.spec!,
          tolerations: i % 2 ? [{ key: 'something-else', operator: 'Exists' }] : undefined,
        },
      }));
      const result = checkCannotReschedule(safetyInput(node('candidate'), { podsOnNode, others }));
      expect(result).toMatchObject({ ok: false, code: 'cannot_reschedule' });
      expect(!result.ok && [...(result.pods ?? [])].sort()).toEqual(
        podsOnNode.map((p) => `default/${p.metadata!.name}`).sort(),
      );
    }),
  );
});

test('never places more on a node than it can hold', () => {
  fc.assert(
    fc.property(
      podSizes(0),
      fc.array(fc.record({ size: podSize, pods: fc.integer({ min: 0, max: 6 }) }), {
        minLength: 1,
        maxLength: 5,
      }),
      (moving, nodes) => {
        const others = nodes.map((n, i) => sized(`n${i}`, n.size, n.pods));
        const input = safetyInput(node('candidate'), {
          podsOnNode: asPods(moving, 'moving'),
          others,
        });
        const { placements, unplaced } = simulateRescheduling(input);
        expect(placements.size + unplaced.length).toBe(moving.length);
        for (const other of others) {
          const name = other.metadata!.name!;
          const placed = input.podsOnNode.filter(
            (p) => placements.get(`default/${p.metadata!.name}`) === name,
          );
          const offered = nodeAllocatable(other);
          const cpu = placed.reduce((sum, p) => sum + (podRequests(p).cpu ?? 0), 0);
          const memory = placed.reduce((sum, p) => sum + (podRequests(p).memory ?? 0), 0);
          expect(cpu).toBeLessThanOrEqual(offered.cpu ?? 0);
          expect(memory).toBeLessThanOrEqual(offered.memory ?? 0);
          expect(placed.length).toBeLessThanOrEqual(offered.pods ?? 0);
        }
      },
    ),
  );
});
