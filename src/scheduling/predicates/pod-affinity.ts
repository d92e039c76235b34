// Required pod affinity, as kube-scheduler's InterPodAffinity filter: the node must carry every
// term's topology key, and each term's domain must already hold a pod matching all the terms.
// The scheduler's special case: when no pod anywhere matches and the pod matches its own terms,
// it is the first of a series (e.g. replicas that want to be together) and may go anywhere that
// has the keys; without it such pods would wait for each other forever.
import type { PodClass } from '../pod-class';
import { type SimNode, topologyValue } from '../sim-node';
import type { Predicate } from './predicate';

type Failure =
  { kind: 'missing_key'; key: string } | { kind: 'no_match'; term: number } | undefined;

function failure(cls: PodClass, node: SimNode): Failure {
  const affinity = cls.topology?.affinity;
  if (affinity === undefined) return undefined;
  let unmatched: number | undefined;
  for (const [i, counter] of affinity.counters.entries()) {
    const value = topologyValue(node, counter.key);
    if (value === undefined) return { kind: 'missing_key', key: counter.key };
    if (unmatched === undefined && counter.count(value) === 0) unmatched = i;
  }
  if (unmatched === undefined) return undefined;
  if (affinity.empty() && cls.matchesOwnAffinity) return undefined;
  return { kind: 'no_match', term: unmatched };
}

export const podAffinity: Predicate = {
  static: false,
  fits: (cls, node) => failure(cls, node) === undefined,
  explain(cls, node) {
    const f = failure(cls, node);
    const term = f?.kind === 'no_match' ? cls.affinityTerms[f.term] : undefined;
    const reason =
      f?.kind === 'missing_key'
        ? `required pod affinity needs nodes labelled ${f.key}`
        : `required pod affinity: no pod matching ${term?.description} in ${term?.topologyKey}=${topologyValue(node, term?.topologyKey ?? '')}`;
    return { predicate: 'pod_affinity', constraint: 'pod_affinity', reason };
  },
};
