// NodeIndex skips blocks of full nodes; it must find exactly the node a plain scan finds.
import fc from 'fast-check';
import { NodeIndex } from '../../../src/scheduling/node-index';
import { Capacity } from '../../../src/scheduling/capacity';
import { harness, node, pending } from './fixtures';

describe('NodeIndex', () => {
  test('finds the first fitting node, like a linear scan, as nodes fill up', () => {
    const {
      cluster,
      classes,
      nodes: existing,
    } = harness([pending('p', { cpu: '1', memory: '1Gi' })], [node('n')]);
    const cls = classes[0]!;
    // Copies of one node with random free capacity: the class is only limited by resources.
    const template = existing[0]!;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(4000), fc.nat(4), fc.nat(3)), { minLength: 1, maxLength: 70 }),
        fc.array(fc.tuple(fc.nat(69), fc.nat(69)), { maxLength: 20 }),
        (caps, steps) => {
          const nodes = caps.map(([cpu, gib, pods], i) => ({
            ...template,
            name: `n${i}`,
            free: new Capacity(cpu, gib * 1024 ** 3, 0, pods, undefined),
          }));
          const index = new NodeIndex(nodes);
          const linear = (from: number) => {
            for (let i = from; i < nodes.length; i++) if (nodes[i]!.free.fits(cls.demand)) return i;
            return -1;
          };
          for (const [from, taken] of [[0, 0], ...steps]) {
            const start = from! % nodes.length;
            expect(index.firstFitting(cluster, cls, start)).toBe(linear(start));
            // Fill one node and tell the index.
            const i = taken! % nodes.length;
            nodes[i]!.free.take(cls.demand);
            index.refresh(i);
          }
        },
      ),
    );
  });
});
