// What a new node of a NodeGroup with a given offering looks like before it exists (Cluster
// Autoscaler's "template node"): the group's labels plus hostname and instance type, the
// group's taints, the offering's capacity minus the group's systemReserved, and the DaemonSet
// pods that will land on it as soon as it joins. Pending pods see only what is left after those.
import type { V1DaemonSet, V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import { CPU, MEMORY, PODS, type ResourceAmounts, addInto } from '../disruption/resources';
import { Capacity, EPHEMERAL_STORAGE } from './capacity';
import type { HostPort, PodClass, PodClasses } from './pod-class';
import { HOSTNAME, type SimNode, bindPorts } from './sim-node';
import type { GroupView, OfferingInfo } from './types';
import type { StaticVerdicts } from './verdicts';

type Labels = Readonly<Record<string, string>>;

export { HOSTNAME };
export const INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
/** kubelet's default --max-pods. */
export const MAX_PODS = 110;
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** Offering capacity plus the group's extended resources, minus systemReserved (never < 0). */
export function templateAllocatable(group: GroupView, offering: OfferingInfo): ResourceAmounts {
  const amounts: ResourceAmounts = {
    [CPU]: Math.round(offering.cpu * 1000),
    [MEMORY]: Math.round(offering.ramMb * MIB),
    [EPHEMERAL_STORAGE]: Math.round(offering.diskGb * GIB),
    [PODS]: MAX_PODS,
  };
  addInto(amounts, group.extendedResources);
  for (const [resource, reserved] of Object.entries(group.systemReserved)) {
    amounts[resource] = Math.max(0, (amounts[resource] ?? 0) - reserved);
  }
  return amounts;
}

export interface Template {
  /** Dense index over all templates of the plan. */
  readonly index: number;
  /** Static-verdict key shared by every node of this template. */
  readonly staticId: number;
  readonly group: GroupView;
  readonly offering: OfferingInfo;
  /** Without kubernetes.io/hostname (each node has its own); shared by the template's nodes. */
  readonly labels: Labels;
  readonly taints: readonly V1Taint[];
  /** After systemReserved, before DaemonSets. */
  readonly allocatable: Readonly<ResourceAmounts>;
  /** The DaemonSet pods that run on such a node. */
  readonly daemonSets: readonly PodClass[];
  /** Left for pending pods on an empty node: allocatable minus the DaemonSet pods. */
  readonly fresh: Capacity;
  readonly daemonSetPorts: readonly HostPort[];
  /** An empty node of the template (placeholder name): what "fits a new node" is checked on. */
  readonly prototype: SimNode;
}

/** `ns/name#n` is not a valid Node name, so a simulated node never collides with a real one. */
export function simulatedNodeName(group: GroupView, suffix: string | number): string {
  return `${group.namespace}/${group.name}#${suffix}`;
}

function syntheticNode(name: string, labels: Labels, taints: readonly V1Taint[]): V1Node {
  return { metadata: { name, labels: { ...labels } }, spec: { taints: [...taints] } };
}

/** A node of `template` named `name`, empty but for the template's DaemonSet pods. */
export function nodeOfTemplate(template: Template, name: string, kind: SimNode['kind']): SimNode {
  return {
    name,
    kind,
    staticId: template.staticId,
    node: template.prototype.node,
    labels: template.labels,
    hostname: name,
    taints: template.taints,
    free: template.fresh.clone(),
    ports: template.daemonSetPorts,
    schedulable: true,
    template,
  };
}

const daemonSetPods = new WeakMap<V1DaemonSet, V1Pod>();

/** A DaemonSet's pod as it would be created: its template in the DaemonSet's namespace. */
export function daemonSetPod(ds: V1DaemonSet): V1Pod {
  let pod = daemonSetPods.get(ds);
  if (pod === undefined) {
    pod = {
      metadata: {
        ...ds.spec?.template.metadata,
        name: ds.metadata?.name ?? '',
        namespace: ds.metadata?.namespace ?? 'default',
      },
      spec: ds.spec?.template.spec ?? { containers: [] },
    };
    daemonSetPods.set(ds, pod);
  }
  return pod;
}

export function buildTemplate(
  index: number,
  staticId: number,
  group: GroupView,
  offering: OfferingInfo,
  daemonSets: readonly V1DaemonSet[],
  classes: PodClasses,
  verdicts: StaticVerdicts,
): Template {
  const labels = { ...group.labels, [INSTANCE_TYPE]: offering.id };
  const allocatable = templateAllocatable(group, offering);
  const placeholder = simulatedNodeName(group, `${offering.id}-template`);
  const prototype: SimNode = {
    name: placeholder,
    kind: 'new',
    staticId,
    node: syntheticNode(placeholder, { ...labels, [HOSTNAME]: placeholder }, group.taints),
    labels,
    hostname: placeholder,
    taints: group.taints,
    free: Capacity.of(allocatable),
    ports: [],
    schedulable: true,
  };
  // Which DaemonSets schedule here: their pods' node selector, node affinity and tolerations.
  const running: PodClass[] = [];
  for (const ds of daemonSets) {
    const cls = classes.classOf(daemonSetPod(ds), true);
    if (!verdicts.fits(cls, prototype)) continue;
    running.push(cls);
    prototype.free.take(cls.demand);
    const owner = `DaemonSet ${ds.metadata?.namespace ?? 'default'}/${ds.metadata?.name ?? ''}`;
    bindPorts(
      prototype,
      cls.hostPorts.map((port) => ({ ...port, owner })),
    );
  }
  const template: Template = {
    index,
    staticId,
    group,
    offering,
    labels,
    taints: group.taints,
    allocatable,
    daemonSets: running,
    fresh: prototype.free.clone(),
    daemonSetPorts: prototype.ports,
    prototype,
  };
  (prototype as { template?: Template }).template = template;
  return template;
}
