import type { V1NodeSelectorTerm } from '@kubernetes/client-node';
import {
  labelSelectorMatches,
  nodeSelectorMatches,
  nodeSelectorTermsMatch,
} from '../../../src/disruption/selectors';
import { tolerates, untoleratedTaint } from '../../../src/disruption/taints';
import { node } from './fixtures';

describe('labelSelectorMatches', () => {
  const labels = { app: 'web', tier: 'front' };

  test('a missing selector selects nothing, an empty one everything', () => {
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
    expect(labelSelectorMatches({}, labels)).toBe(true);
  });

  test('matchLabels and matchExpressions are ANDed', () => {
    expect(labelSelectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: 'db' } }, labels)).toBe(false);
    const expr = (operator: string, values?: string[]) => ({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator, values }],
    });
    expect(labelSelectorMatches(expr('In', ['front', 'back']), labels)).toBe(true);
    expect(labelSelectorMatches(expr('NotIn', ['front']), labels)).toBe(false);
    expect(labelSelectorMatches(expr('Exists'), labels)).toBe(true);
    expect(labelSelectorMatches(expr('DoesNotExist'), labels)).toBe(false);
    expect(labelSelectorMatches(expr('Bogus'), labels)).toBe(false);
  });
});

describe('nodeSelectorTermsMatch', () => {
  const n = node('worker-1', { labels: { zone: 'a', cores: '8' } });
  const term = (key: string, operator: string, values?: string[]): V1NodeSelectorTerm => ({
    matchExpressions: [{ key, operator, values }],
  });

  test.each([
    ['In', 'zone', ['a', 'b'], true],
    ['In', 'zone', ['b'], false],
    ['NotIn', 'zone', ['b'], true],
    ['NotIn', 'zone', ['a'], false],
    ['NotIn', 'missing', ['a'], true],
    ['Exists', 'zone', undefined, true],
    ['Exists', 'missing', undefined, false],
    ['DoesNotExist', 'missing', undefined, true],
    ['DoesNotExist', 'zone', undefined, false],
    ['Gt', 'cores', ['4'], true],
    ['Gt', 'cores', ['8'], false],
    ['Lt', 'cores', ['16'], true],
    ['Lt', 'zone', ['16'], false],
    ['Gt', 'missing', ['1'], false],
  ])('%s %s %j → %s', (operator, key, values, expected) => {
    expect(nodeSelectorTermsMatch([term(key, operator, values)], n)).toBe(expected);
  });

  test('terms are ORed, requirements within a term ANDed', () => {
    const both: V1NodeSelectorTerm = {
      matchExpressions: [
        { key: 'zone', operator: 'In', values: ['a'] },
        { key: 'cores', operator: 'Gt', values: ['100'] },
      ],
    };
    expect(nodeSelectorTermsMatch([both], n)).toBe(false);
    expect(nodeSelectorTermsMatch([both, term('zone', 'Exists')], n)).toBe(true);
  });

  test('an empty term list or a term without requirements matches no node', () => {
    expect(nodeSelectorTermsMatch([], n)).toBe(false);
    expect(nodeSelectorTermsMatch([{}], n)).toBe(false);
  });

  test('matchFields selects by metadata.name', () => {
    const byName = (values: string[]): V1NodeSelectorTerm => ({
      matchFields: [{ key: 'metadata.name', operator: 'In', values }],
    });
    expect(nodeSelectorTermsMatch([byName(['worker-1'])], n)).toBe(true);
    expect(nodeSelectorTermsMatch([byName(['worker-2'])], n)).toBe(false);
  });

  test('nodeSelector needs every key with exactly that value', () => {
    expect(nodeSelectorMatches({ zone: 'a' }, n)).toBe(true);
    expect(nodeSelectorMatches({ zone: 'a', gpu: 'true' }, n)).toBe(false);
    expect(nodeSelectorMatches(undefined, n)).toBe(true);
  });
});

describe('taints and tolerations', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

  test.each([
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'gpu' }, true],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ operator: 'Exists' }, true],
    [{ key: 'dedicated', value: 'cpu' }, false],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ operator: 'Equal', value: 'gpu' }, false],
  ])('%j tolerates dedicated=gpu:NoSchedule: %s', (toleration, expected) => {
    expect(tolerates(toleration, taint)).toBe(expected);
  });

  test('only NoSchedule and NoExecute taints repel', () => {
    const soft = node('a', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] });
    expect(untoleratedTaint(soft, [])).toBeUndefined();
    const hard = node('b', { taints: [{ key: 'k', effect: 'NoExecute' }] });
    expect(untoleratedTaint(hard, [])?.key).toBe('k');
    expect(untoleratedTaint(hard, [{ key: 'k', operator: 'Exists' }])).toBeUndefined();
  });
});
