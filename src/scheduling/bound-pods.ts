// The pods already on nodes, read once per plan in a single pass: each takes its requests, a pod
// slot and its host ports off a schedulable node, and is recorded for the topology counters
// (grouped by namespace and labels, so a term is matched against each label set once rather
// than against each of 30,000 pods). What a pod contributes is derived once per pod object and
// kept in a WeakMap: informer objects are replaced on change, never mutated, so the next plan
// finds most pods already digested.
import type { V1Pod } from '@kubernetes/client-node';
import { labelsOf } from '../disruption/metadata';
import { isTerminal, namespaceOf } from '../disruption/pods';
import { podRequests } from '../disruption/resources';
import { type Demand, demandOf } from './capacity';
import { type HostPort, podHostPorts } from './pod-class';
import { type SimNode, bindPorts } from './sim-node';
import { type CompiledTerm, compileAffinityTerm } from './terms';

type Labels = Readonly<Record<string, string>>;

/** What a bound pod takes (it is its own Demand, one object less to touch per pod). */
interface BoundPodInfo extends Demand {
  /** Its host ports, each naming the pod as owner. */
  readonly ports: readonly HostPort[];
  /** namespace + terminating + labels: pods with equal keys look alike to every selector. */
  readonly groupKey: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** Being deleted: topology spread does not count such pods. */
  readonly terminating: boolean;
  readonly nodeName: string;
  readonly finished: boolean;
  readonly antiAffinityTerms: readonly CompiledTerm[];
}

const infos = new WeakMap<V1Pod, BoundPodInfo>();

function withOwner(ports: readonly HostPort[], owner: string): readonly HostPort[] {
  return ports.length === 0 ? ports : ports.map((port) => ({ ...port, owner }));
}

function infoOf(pod: V1Pod): BoundPodInfo {
  let info = infos.get(pod);
  if (info === undefined) {
    const namespace = namespaceOf(pod);
    const labels = labelsOf(pod);
    const terminating = pod.metadata?.deletionTimestamp !== undefined;
    const terms =
      pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const demand = demandOf(podRequests(pod));
    // Spelled out rather than spread: a spread literal can leave V8 with a slower object shape.
    info = {
      cpu: demand.cpu,
      memory: demand.memory,
      ephemeral: demand.ephemeral,
      extended: demand.extended,
      ports: withOwner(podHostPorts(pod), `${namespace}/${pod.metadata?.name ?? ''}`),
      groupKey: `${namespace}\u0000${terminating ? 1 : 0}\u0000${JSON.stringify(labels)}`,
      namespace,
      labels,
      terminating,
      nodeName: pod.spec?.nodeName ?? '',
      finished: isTerminal(pod),
      antiAffinityTerms: terms.map((t) => compileAffinityTerm(t, namespace, labels)),
    };
    infos.set(pod, info);
  }
  return info;
}

/** Bound pods sharing namespace and labels, and the node of each. */
export interface LabelGroup {
  readonly namespace: string;
  readonly labels: Labels;
  readonly terminating: boolean;
  readonly nodes: SimNode[];
}

export interface BoundPodIndex {
  /** Pods holding required anti-affinity terms, with their node. */
  readonly holders: { node: SimNode; terms: readonly CompiledTerm[] }[];
  /** Empty unless asked for (only pod-topology rules need it). */
  readonly groups: LabelGroup[];
}

/**
 * One pass over the bound pods. `nodes`: every node of the cluster by name; the pods reduce the
 * free capacity of the schedulable ones. Finished pods hold nothing.
 */
export function indexBoundPods(
  pods: readonly V1Pod[],
  nodes: ReadonlyMap<string, SimNode>,
  wantGroups: boolean,
): BoundPodIndex {
  const holders: BoundPodIndex['holders'] = [];
  const groups = new Map<string, LabelGroup>();
  for (const pod of pods) {
    const info = infoOf(pod);
    const node = nodes.get(info.nodeName);
    if (node === undefined || info.finished) continue;
    if (node.schedulable) {
      // Capacity.take spelled out: the hottest line of a plan, kept to one object shape.
      const free = node.free;
      free.pods -= 1;
      free.cpu -= info.cpu;
      free.memory -= info.memory;
      free.ephemeral -= info.ephemeral;
      if (info.extended.length > 0) free.takeExtended(info.extended, 1);
      if (info.ports.length > 0) bindPorts(node, info.ports);
    }
    if (info.antiAffinityTerms.length > 0) holders.push({ node, terms: info.antiAffinityTerms });
    if (!wantGroups) continue;
    let group = groups.get(info.groupKey);
    if (group === undefined) {
      const { namespace, labels, terminating } = info;
      group = { namespace, labels, terminating, nodes: [] };
      groups.set(info.groupKey, group);
    }
    group.nodes.push(node);
  }
  return { holders, groups: [...groups.values()] };
}
