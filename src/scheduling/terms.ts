// Required pod (anti-)affinity terms and topology spread selectors, resolved against the pod that
// owns them (default namespace, matchLabelKeys / mismatchLabelKeys) and given a stable identity,
// so pods of one Deployment share one counter instead of each re-scanning the cluster.
// Approximation, as in src/disruption/simulation/pod-anti-affinity.ts: a namespaceSelector is
// taken to select every namespace (the planner has no namespace labels). For anti-affinity that
// can only block more; for affinity it may count a pod the scheduler would not.
import type {
  V1LabelSelector,
  V1LabelSelectorRequirement,
  V1PodAffinityTerm,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import { labelSelectorMatches } from '../disruption/selectors';
import { describeSelector } from './format';

type Labels = Readonly<Record<string, string>>;

/** A label selector over pods of some namespaces. */
export interface CompiledSelector {
  /** Equal for equal (selector, namespaces): counters are shared by id. */
  readonly id: string;
  readonly description: string;
  selects(namespace: string, labels: Labels): boolean;
}

export interface CompiledTerm extends CompiledSelector {
  readonly topologyKey: string;
}

function withOwnerKeys(
  selector: V1LabelSelector | undefined,
  ownerLabels: Labels,
  matchKeys: readonly string[],
  mismatchKeys: readonly string[],
): V1LabelSelector | undefined {
  if (selector === undefined || selector === null) return undefined;
  const extra: V1LabelSelectorRequirement[] = [];
  for (const key of matchKeys) {
    const value = ownerLabels[key];
    if (value !== undefined) extra.push({ key, operator: 'In', values: [value] });
  }
  for (const key of mismatchKeys) {
    const value = ownerLabels[key];
    if (value !== undefined) extra.push({ key, operator: 'NotIn', values: [value] });
  }
  if (extra.length === 0) return selector;
  return { ...selector, matchExpressions: [...(selector.matchExpressions ?? []), ...extra] };
}

function compileSelector(
  selector: V1LabelSelector | undefined,
  namespaces: readonly string[] | 'all',
  suffix: string,
): CompiledSelector {
  const namespaceSet = namespaces === 'all' ? undefined : new Set(namespaces);
  return {
    id: JSON.stringify([selector ?? null, namespaces, suffix]),
    description: describeSelector(selector),
    selects: (namespace, labels) =>
      (namespaceSet === undefined || namespaceSet.has(namespace)) &&
      labelSelectorMatches(selector, labels),
  };
}

export function compileAffinityTerm(
  term: V1PodAffinityTerm,
  ownerNamespace: string,
  ownerLabels: Labels,
): CompiledTerm {
  const selector = withOwnerKeys(
    term.labelSelector,
    ownerLabels,
    term.matchLabelKeys ?? [],
    term.mismatchLabelKeys ?? [],
  );
  const namespaces =
    term.namespaceSelector !== undefined && term.namespaceSelector !== null
      ? 'all'
      : term.namespaces?.length
        ? [...term.namespaces].sort()
        : [ownerNamespace];
  return {
    ...compileSelector(selector, namespaces, term.topologyKey),
    topologyKey: term.topologyKey,
  };
}

/** A spread constraint counts pods of the owner's namespace that its selector matches. */
export function compileSpreadSelector(
  constraint: V1TopologySpreadConstraint,
  ownerNamespace: string,
  ownerLabels: Labels,
): CompiledSelector {
  const selector = withOwnerKeys(
    constraint.labelSelector,
    ownerLabels,
    constraint.matchLabelKeys ?? [],
    [],
  );
  return compileSelector(selector, [ownerNamespace], `spread:${constraint.topologyKey}`);
}
