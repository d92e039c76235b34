// Required pod anti-affinity, both directions as kube-scheduler checks it: the pod's own terms
// (no pod they select may be in the node's domain) and the terms of pods already placed (no pod
// whose term selects this pod may be in the node's domain of that term). A node without a
// term's topology key is outside every domain of it and never conflicts. Any topologyKey works;
// a new node is a hostname domain of its own, so hostname anti-affinity means one per node.
import type { PodClass } from '../pod-class';
import { type SimNode, topologyValue } from '../sim-node';
import type { DomainCounter } from '../topology';
import type { Predicate } from './predicate';

function occupied(counter: DomainCounter, node: SimNode): boolean {
  const value = topologyValue(node, counter.key);
  return value !== undefined && counter.count(value) > 0;
}

export const podAntiAffinity: Predicate = {
  static: false,
  fits(cls, node) {
    const t = cls.topology;
    if (t === undefined) return true;
    for (const counter of t.ownAntiAffinity) if (occupied(counter, node)) return false;
    for (const counter of t.blockedBy) if (occupied(counter, node)) return false;
    return true;
  },
  explain(cls: PodClass, node: SimNode) {
    const t = cls.topology;
    const own = t?.ownAntiAffinity.findIndex((c) => occupied(c, node)) ?? -1;
    const term = cls.antiAffinityTerms[own];
    if (term) {
      const domain = `${term.topologyKey}=${topologyValue(node, term.topologyKey)}`;
      return {
        predicate: 'pod_anti_affinity',
        constraint: 'pod_anti_affinity',
        reason: `required pod anti-affinity: a pod matching ${term.description} is already in ${domain}`,
      };
    }
    const holder = t?.blockedBy.find((c) => occupied(c, node));
    const key = holder?.key ?? '?';
    return {
      predicate: 'pod_anti_affinity',
      constraint: 'pod_anti_affinity',
      reason: `a pod in ${key}=${topologyValue(node, key)} has required anti-affinity against it`,
    };
  },
};
