// DoNotSchedule topology spread constraints, on any topology key. As kube-scheduler: the node
// must carry the key; matching pods (the pod's namespace, its selector with matchLabelKeys) are
// counted per domain over the nodes eligible for the pod (its node affinity, and its taints with
// nodeTaintsPolicy Honor); placing the pod there may not make that domain exceed the smallest
// domain by more than maxSkew. A new node is a new hostname domain with 0 pods, so with
// hostname and maxSkew 1 a new node takes one replica while another eligible node has none.
// Not modelled: minDomains (treated as 1, so the minimum is never forced to 0 by missing
// domains); ScheduleAnyway constraints are preferences and are ignored like preferred affinity.
import type { PodClass } from '../pod-class';
import { type SimNode, topologyValue } from '../sim-node';
import type { Predicate } from './predicate';

function violated(cls: PodClass, node: SimNode): number {
  const counters = cls.topology?.spread ?? [];
  for (const [i, counter] of counters.entries()) {
    const value = topologyValue(node, counter.key);
    if (value === undefined) return i;
    const rule = counter.rule;
    const skew = counter.count(value) + (rule.selfMatch ? 1 : 0) - counter.minimum();
    if (skew > rule.maxSkew) return i;
  }
  return -1;
}

export const topologySpread: Predicate = {
  static: false,
  fits: (cls, node) => cls.spread.length === 0 || violated(cls, node) < 0,
  explain(cls, node) {
    const counter = cls.topology?.spread[violated(cls, node)];
    const key = counter?.key ?? '?';
    const value = topologyValue(node, key);
    const reason =
      counter === undefined || value === undefined
        ? `topology spread needs nodes labelled ${key}`
        : `topology spread on ${key}: ${key}=${value} would have ${counter.count(value) + (counter.rule.selfMatch ? 1 : 0)} matching pods against a minimum of ${counter.minimum()} (maxSkew ${counter.rule.maxSkew})`;
    return { predicate: 'topology_spread', constraint: 'topology_spread', reason };
  },
};
