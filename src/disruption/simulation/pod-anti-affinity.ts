// Required pod anti-affinity during the simulation. Scope: requiredDuringScheduling terms with
// any topologyKey (kubernetes.io/hostname, zone, ...), checked both ways as the scheduler does:
// the moving pod's own terms against pods already in the target domain, and the terms of pods
// already there against the moving pod. Pods placed earlier in the same simulation count.
// Deliberate approximations: a namespaceSelector is taken to match every namespace (we have no
// namespace labels here, and over-matching can only block, never allow a violation); preferred
// terms and required pod *affinity* are not evaluated.
import type { V1LabelSelector, V1Node, V1Pod, V1PodAffinityTerm } from '@kubernetes/client-node';
import { labelsOf } from '../metadata';
import { nodeName } from '../nodes';
import { namespaceOf, podKey } from '../pods';
import { labelSelectorMatches } from '../selectors';

type Labels = Readonly<Record<string, string>>;

function requiredTerms(pod: V1Pod): readonly V1PodAffinityTerm[] {
  return pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
}

function namespaceSelected(term: V1PodAffinityTerm, owner: V1Pod, other: V1Pod): boolean {
  if (term.namespaceSelector !== undefined && term.namespaceSelector !== null) return true;
  const namespaces = term.namespaces ?? [];
  if (namespaces.length > 0) return namespaces.includes(namespaceOf(other));
  return namespaceOf(other) === namespaceOf(owner);
}

/** The term's selector with matchLabelKeys / mismatchLabelKeys resolved against its owner. */
function effectiveSelector(term: V1PodAffinityTerm, owner: V1Pod): V1LabelSelector | undefined {
  const selector = term.labelSelector;
  if (selector === undefined || selector === null) return undefined;
  const ownerLabels = labelsOf(owner);
  const extra = [
    ...(term.matchLabelKeys ?? []).flatMap((key) =>
      ownerLabels[key] === undefined ? [] : [{ key, operator: 'In', values: [ownerLabels[key]] }],
    ),
    ...(term.mismatchLabelKeys ?? []).flatMap((key) =>
      ownerLabels[key] === undefined
        ? []
        : [{ key, operator: 'NotIn', values: [ownerLabels[key]] }],
    ),
  ];
  return { ...selector, matchExpressions: [...(selector.matchExpressions ?? []), ...extra] };
}

/** The term of `owner` as a predicate over other pods, its selector resolved once. */
function compileTerm(term: V1PodAffinityTerm, owner: V1Pod): (other: V1Pod) => boolean {
  const selector = effectiveSelector(term, owner);
  return (other) =>
    namespaceSelected(term, owner, other) && labelSelectorMatches(selector, labelsOf(other));
}

/** The pods of the cluster grouped by topology domain, kept up to date as pods are placed. */
export class PodTopology {
  private readonly nodeLabels = new Map<string, Labels>();
  private readonly podsByNode = new Map<string, V1Pod[]>();
  /** topologyKey → label value → pods on nodes with that value; built on first use of a key. */
  private readonly domains = new Map<string, Map<string, V1Pod[]>>();
  private readonly podsWithTerms: { pod: V1Pod; node: string }[] = [];

  constructor(nodes: readonly V1Node[], podsByNode: ReadonlyMap<string, readonly V1Pod[]>) {
    for (const node of nodes) {
      this.nodeLabels.set(nodeName(node), labelsOf(node));
      this.podsByNode.set(nodeName(node), []);
    }
    for (const [node, pods] of podsByNode) for (const pod of pods) this.add(pod, node);
  }

  add(pod: V1Pod, node: string): void {
    this.podsByNode.get(node)?.push(pod);
    if (requiredTerms(pod).length > 0) this.podsWithTerms.push({ pod, node });
    for (const [key, byValue] of this.domains) {
      const value = this.nodeLabels.get(node)?.[key];
      if (value !== undefined) pushTo(byValue, value, pod);
    }
  }

  /**
   * A function answering "why would placing `pod` on this node break required anti-affinity?"
   * (undefined when it would not). Build it once per pod and ask it about every node: the work
   * that does not depend on the node (which existing rules select the pod, which domains hold a
   * pod its own rules select) is done once, not once per node.
   */
  conflictsFor(pod: V1Pod): (node: V1Node) => string | undefined {
    const ownTerms = requiredTerms(pod).map((term) => ({ term, selects: compileTerm(term, pod) }));
    const ownVerdicts = new Map<string, string | undefined>();
    type OwnTerm = (typeof ownTerms)[number];
    const ownConflict = (index: number, { term, selects }: OwnTerm, value: string) => {
      const memoKey = `${index}\u0000${value}`;
      if (!ownVerdicts.has(memoKey)) {
        const clash = this.domain(term.topologyKey).get(value)?.find(selects);
        ownVerdicts.set(memoKey, clash && describe(pod, clash, term.topologyKey, value));
      }
      return ownVerdicts.get(memoKey);
    };

    // Domains that existing pods' rules close to this pod: topologyKey=value, and why.
    const closed: { key: string; value: string; why: string }[] = [];
    for (const { pod: other, node } of this.podsWithTerms) {
      for (const term of requiredTerms(other)) {
        const value = this.nodeLabels.get(node)?.[term.topologyKey];
        if (value !== undefined && compileTerm(term, other)(pod)) {
          closed.push({
            key: term.topologyKey,
            value,
            why: describe(other, pod, term.topologyKey, value),
          });
        }
      }
    }

    return (node) => {
      const labels = labelsOf(node);
      for (const [index, own] of ownTerms.entries()) {
        const value = labels[own.term.topologyKey];
        if (value === undefined) continue; // a node without the key is outside every domain
        const conflict = ownConflict(index, own, value);
        if (conflict) return conflict;
      }
      return closed.find(({ key, value }) => labels[key] === value)?.why;
    };
  }

  private domain(key: string): Map<string, V1Pod[]> {
    let byValue = this.domains.get(key);
    if (byValue === undefined) {
      byValue = new Map();
      for (const [node, pods] of this.podsByNode) {
        const value = this.nodeLabels.get(node)?.[key];
        if (value !== undefined) for (const pod of pods) pushTo(byValue, value, pod);
      }
      this.domains.set(key, byValue);
    }
    return byValue;
  }
}

function pushTo(map: Map<string, V1Pod[]>, key: string, pod: V1Pod): void {
  const list = map.get(key);
  if (list) list.push(pod);
  else map.set(key, [pod]);
}

function describe(owner: V1Pod, other: V1Pod, key: string, value: string): string {
  return `${podKey(owner)} must not share ${key}=${value} with ${podKey(other)}`;
}
