// The scheduler's filters the planner simulates, one per file, in the order their verdicts are
// reported: the static ones first (labels and taints: cached per node, see ../verdicts.ts), then
// resources and ports, then the pod-topology rules. A Record, so a name without a predicate does
// not compile.
import { hostPorts } from './host-ports';
import { nodeAffinity } from './node-affinity';
import { nodeSelector } from './node-selector';
import { podAffinity } from './pod-affinity';
import { podAntiAffinity } from './pod-anti-affinity';
import { type Predicate, PREDICATE_NAMES, type PredicateName, type Rejection } from './predicate';
import { resources } from './resources';
import { taints } from './taints';
import { topologySpread } from './topology-spread';
import type { PodClass } from '../pod-class';
import type { SimNode } from '../sim-node';

export const PREDICATES: Readonly<Record<PredicateName, Predicate>> = {
  node_selector: nodeSelector,
  node_affinity: nodeAffinity,
  taints,
  resources,
  host_ports: hostPorts,
  pod_affinity: podAffinity,
  pod_anti_affinity: podAntiAffinity,
  topology_spread: topologySpread,
};

/** The predicates that depend on what is placed, in report order. */
export const DYNAMIC_PREDICATES: readonly Predicate[] = PREDICATE_NAMES.map(
  (name) => PREDICATES[name],
).filter((p) => !p.static);

/** The first predicate in report order that rejects `cls` on `node`, explained. */
export function firstRejection(cls: PodClass, node: SimNode): Rejection | undefined {
  for (const name of PREDICATE_NAMES) {
    const predicate = PREDICATES[name];
    if (!predicate.fits(cls, node)) return predicate.explain(cls, node);
  }
  return undefined;
}

export { PREDICATE_NAMES, type Predicate, type PredicateName, type Rejection } from './predicate';
export { resourceConstraint } from './resources';
