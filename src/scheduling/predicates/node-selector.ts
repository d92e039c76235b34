// The pod's plain nodeSelector: every key present on the node with exactly that value.
import { labelsOf } from '../../disruption/metadata';
import { nodeSelectorMatches } from '../../disruption/selectors';
import type { Predicate } from './predicate';

export const nodeSelector: Predicate = {
  static: true,
  fits: (cls, node) => nodeSelectorMatches(cls.nodeSelector, node.node),
  explain(cls, node) {
    const labels = labelsOf(node.node);
    const [key, value] = Object.entries(cls.nodeSelector ?? {}).find(
      ([k, v]) => labels[k] !== v,
    ) ?? ['', ''];
    return {
      predicate: 'node_selector',
      constraint: 'node_selector',
      reason: `node selector ${key}=${value} does not match the group's labels`,
    };
  },
};
