// Pods the scheduler cannot tell apart: same namespace, labels, requests, selectors,
// tolerations, host ports, affinity and spread rules. Replicas of one Deployment are one class,
// so every verdict ("fits this node?", "can this group ever run it?") is computed once per class
// and reused for the other replicas. A class also knows whether its fit can only get worse as
// pods are placed ("monotone"): then a first-fit scan may resume where the previous replica
// stopped instead of starting over, which keeps packing linear in pods plus nodes.
import type {
  V1Container,
  V1NodeSelectorTerm,
  V1Pod,
  V1PodAffinityTerm,
  V1Toleration,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import { labelsOf } from '../disruption/metadata';
import { isDaemonSetPod, namespaceOf, podKey } from '../disruption/pods';
import { type ResourceAmounts, podRequests } from '../disruption/resources';
import { type Demand, demandOf } from './capacity';
import {
  type CompiledSelector,
  type CompiledTerm,
  compileAffinityTerm,
  compileSpreadSelector,
} from './terms';
import type { ClassTopology } from './topology';

type Labels = Readonly<Record<string, string>>;

export interface HostPort {
  port: number;
  protocol: string;
  /** '' for "every address" (unset or 0.0.0.0). */
  ip: string;
  /** On a node: who binds it ("DaemonSet kube-system/exporter", a pod), for messages. */
  owner?: string;
}

export interface SpreadRule {
  topologyKey: string;
  maxSkew: number;
  selector: CompiledSelector;
  /** nodeAffinityPolicy (default Honor): only nodes passing the pod's node affinity count. */
  honorNodeAffinity: boolean;
  /** nodeTaintsPolicy (default Ignore): Honor counts only nodes whose taints the pod tolerates. */
  honorTaints: boolean;
  /** The pod matches its own selector, so it adds one to the domain it goes to. */
  selfMatch: boolean;
}

export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  readonly labels: Labels;
  /** A pod of the class, for the fields predicates read straight off the spec. */
  readonly example: V1Pod;
  readonly requests: Readonly<ResourceAmounts>;
  readonly demand: Demand;
  /** demand.cpu and demand.memory, for sorting. */
  readonly cpu: number;
  readonly memory: number;
  readonly nodeSelector: Labels | undefined;
  readonly requiredNodeTerms: readonly V1NodeSelectorTerm[] | undefined;
  readonly tolerations: readonly V1Toleration[];
  /** DaemonSet pods tolerate the node.kubernetes.io/* condition taints (the DaemonSet
   *  controller adds those tolerations), and are not counted as pending work. */
  readonly daemonSet: boolean;
  readonly hostPorts: readonly HostPort[];
  readonly antiAffinityTerms: readonly CompiledTerm[];
  readonly affinityTerms: readonly CompiledTerm[];
  /** The pod matches all of its own affinity terms: the scheduler's "first of a series" case. */
  readonly matchesOwnAffinity: boolean;
  readonly spread: readonly SpreadRule[];
  /** Placing pods can only make this class fit fewer nodes (no pod affinity, no spread). */
  readonly monotone: boolean;
  /** Wired by Topology once every class is known. */
  topology?: ClassTopology;
  /**
   * Set with `topology`: no host ports and no topology counter read or bumped, so whether a
   * pod fits a node is labels, taints and numbers only, and replicas can be placed in bulk.
   */
  simple?: boolean;
}

/** A pod to place: its name for the plan and its class for every verdict. */
export interface PendingPod {
  readonly pod: V1Pod;
  readonly key: string;
  readonly cls: PodClass;
}

const portsByPod = new WeakMap<V1Pod, readonly HostPort[]>();

/** The host ports a pod's containers bind (cached per pod object, like its requests). */
export function podHostPorts(pod: V1Pod): readonly HostPort[] {
  let ports = portsByPod.get(pod);
  if (ports === undefined) {
    ports = hostPortsOf(pod);
    portsByPod.set(pod, ports);
  }
  return ports;
}

const NO_PORTS: readonly HostPort[] = Object.freeze([]);

function hostPortsOf(pod: V1Pod): readonly HostPort[] {
  let ports: HostPort[] | undefined;
  const add = (container: V1Container) => {
    for (const p of container.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      const ip = p.hostIP && p.hostIP !== '0.0.0.0' ? p.hostIP : '';
      (ports ??= []).push({ port: p.hostPort, protocol: p.protocol ?? 'TCP', ip });
    }
  };
  for (const container of pod.spec?.containers ?? []) add(container);
  // Sidecars (restartable init containers) keep their ports for the pod's lifetime.
  for (const container of pod.spec?.initContainers ?? []) {
    if (container.restartPolicy === 'Always') add(container);
  }
  return ports ?? NO_PORTS;
}

function doNotSchedule(pod: V1Pod): V1TopologySpreadConstraint[] {
  return (pod.spec?.topologySpreadConstraints ?? []).filter(
    (c) => c.whenUnsatisfiable === 'DoNotSchedule',
  );
}

/**
 * Everything a predicate reads, as one string. Preferred terms and ScheduleAnyway constraints
 * are left out: the planner ignores them, so pods differing only there behave the same.
 */
function signature(pod: V1Pod, daemonSet: boolean): string {
  const spec = pod.spec;
  const affinity = spec?.affinity;
  return JSON.stringify([
    namespaceOf(pod),
    labelsOf(pod),
    podRequests(pod),
    spec?.nodeSelector ?? null,
    affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null,
    affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null,
    affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null,
    spec?.tolerations ?? null,
    doNotSchedule(pod),
    podHostPorts(pod),
    daemonSet,
  ]);
}

// Informer objects are replaced, never mutated, so a pod's signature and name are computed once
// per object across planning runs (as podRequests caches its requests).
const identities = new WeakMap<V1Pod, { sig: string; key: string }>();

function identity(pod: V1Pod, daemonSet: boolean): { sig: string; key: string } {
  let id = identities.get(pod);
  if (id === undefined) {
    id = { sig: signature(pod, daemonSet), key: podKey(pod) };
    identities.set(pod, id);
  }
  return id;
}

function buildClass(id: number, pod: V1Pod, daemonSet: boolean): PodClass {
  const namespace = namespaceOf(pod);
  const labels = labelsOf(pod);
  const requests = podRequests(pod);
  const demand = demandOf(requests);
  const affinity = pod.spec?.affinity;
  const compile = (terms: readonly V1PodAffinityTerm[] | undefined) =>
    (terms ?? []).map((term) => compileAffinityTerm(term, namespace, labels));
  const antiAffinityTerms = compile(
    affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
  );
  const affinityTerms = compile(
    affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
  );
  const spread = doNotSchedule(pod).map((c): SpreadRule => {
    const selector = compileSpreadSelector(c, namespace, labels);
    return {
      topologyKey: c.topologyKey,
      maxSkew: c.maxSkew,
      selector,
      honorNodeAffinity: c.nodeAffinityPolicy !== 'Ignore',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
      selfMatch: selector.selects(namespace, labels),
    };
  });
  return {
    id,
    namespace,
    labels,
    example: pod,
    requests,
    demand,
    cpu: demand.cpu,
    memory: demand.memory,
    nodeSelector: pod.spec?.nodeSelector,
    requiredNodeTerms:
      affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    tolerations: pod.spec?.tolerations ?? [],
    daemonSet,
    hostPorts: podHostPorts(pod),
    antiAffinityTerms,
    affinityTerms,
    matchesOwnAffinity: affinityTerms.every((t) => t.selects(namespace, labels)),
    spread,
    monotone: affinityTerms.length === 0 && spread.length === 0,
  };
}

/** Assigns classes to pods; ids are dense (0, 1, ...) so verdict caches can be arrays. */
export class PodClasses {
  readonly all: PodClass[] = [];
  private readonly bySignature = new Map<string, PodClass>();

  classOf(pod: V1Pod, daemonSet = isDaemonSetPod(pod)): PodClass {
    const { sig } = identity(pod, daemonSet);
    let cls = this.bySignature.get(sig);
    if (cls === undefined) {
      cls = buildClass(this.all.length, pod, daemonSet);
      this.all.push(cls);
      this.bySignature.set(sig, cls);
    }
    return cls;
  }

  pending(pod: V1Pod): PendingPod {
    const cls = this.classOf(pod);
    return { pod, key: identity(pod, cls.daemonSet).key, cls };
  }
}
