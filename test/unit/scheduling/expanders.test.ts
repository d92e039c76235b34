// Each expander keeps its favourites (ties kept); the chain narrows them in order.
import { EXPANDERS, runExpanders, type ExpansionOption } from '../../../src/scheduling/expanders';
import { wasteScore } from '../../../src/scheduling/expanders/least-waste';
import { pricePerPod } from '../../../src/scheduling/expanders/price';
import { group, offering } from './fixtures';

const GIB = 1024 ** 3;

/** An option of group `name`: `nodes` 4-cpu/8-GiB nodes running `pods` pods of 1 cpu / 1 GiB. */
function option(
  name: string,
  { nodes = 1, pods = 1, price = 48 as number | undefined, priority = 0 } = {},
): ExpansionOption {
  return {
    group: group(name, { priority }),
    offering: offering(4, 8),
    nodeCount: nodes,
    podCount: pods,
    requested: { cpu: pods * 1000, memory: pods * GIB },
    allocatable: { cpu: nodes * 4000, memory: nodes * 8 * GIB },
    totalPrice: price === undefined ? undefined : price * nodes,
  };
}

const names = (options: readonly ExpansionOption[]) => options.map((o) => o.group.name);
const context = { random: () => 0 };

describe('expanders', () => {
  test('least-waste: idle cpu fraction plus idle memory fraction, lowest wins', () => {
    // a: 3 of 4 cpu, 3 of 8 GiB idle → 0.25 + 0.625; b: 1 of 4, 5 of 8 → 0.75 + 0.875.
    const a = option('a', { pods: 3 });
    const b = option('b', { pods: 1 });
    expect(wasteScore(a)).toBeCloseTo(0.875);
    expect(wasteScore(b)).toBeCloseTo(1.625);
    expect(names(EXPANDERS['least-waste']([b, a], context))).toEqual(['a']);
    expect(names(EXPANDERS['least-waste']([a, option('c', { pods: 3 })], context))).toEqual([
      'a',
      'c',
    ]);
  });

  test('price: lowest price per pod placed; no price loses', () => {
    const cheapPerPod = option('a', { nodes: 2, pods: 8 }); // $96 for 8
    const cheapTotal = option('b', { nodes: 1, pods: 2 }); // $48 for 2
    expect(pricePerPod(cheapPerPod)).toBe(12);
    expect(names(EXPANDERS.price([cheapTotal, cheapPerPod], context))).toEqual(['a']);
    expect(
      names(EXPANDERS.price([option('x', { price: undefined }), cheapTotal], context)),
    ).toEqual(['b']);
  });

  test('most-pods, least-nodes and priority', () => {
    const few = option('few', { nodes: 1, pods: 2, priority: 9 });
    const many = option('many', { nodes: 3, pods: 9, priority: 1 });
    expect(names(EXPANDERS['most-pods']([few, many], context))).toEqual(['many']);
    expect(names(EXPANDERS['least-nodes']([few, many], context))).toEqual(['few']);
    expect(names(EXPANDERS.priority([many, few], context))).toEqual(['few']);
  });

  test('random: one option drawn with the given source', () => {
    const options = [option('a'), option('b'), option('c'), option('d')];
    expect(names(EXPANDERS.random(options, { random: () => 0 }))).toEqual(['a']);
    expect(names(EXPANDERS.random(options, { random: () => 0.5 }))).toEqual(['c']);
    expect(names(EXPANDERS.random(options, { random: () => 0.999 }))).toEqual(['d']);
  });
});

describe('runExpanders', () => {
  test('a later expander breaks the ties of an earlier one and is named as the decider', () => {
    const a = option('a', { pods: 3, priority: 1 });
    const b = option('b', { pods: 3, priority: 2 });
    const c = option('c', { pods: 1, priority: 9 });
    expect(runExpanders([a, b, c], ['least-waste', 'priority'], context)).toEqual({
      winner: b,
      decidedBy: 'priority',
    });
    expect(runExpanders([a, b, c], ['priority', 'least-waste'], context)).toEqual({
      winner: c,
      decidedBy: 'priority',
    });
  });

  test('still tied after the chain: first by namespace/name; a single option needs no chain', () => {
    const b = option('b');
    const a = option('a');
    expect(runExpanders([b, a], ['least-waste'], context)).toEqual({
      winner: a,
      decidedBy: 'name order',
    });
    expect(runExpanders([b], ['random'], { random: () => 0.9 })).toEqual({
      winner: b,
      decidedBy: 'only option',
    });
  });
});
