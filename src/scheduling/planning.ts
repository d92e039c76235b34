// The state the planner's steps share: the NodeGroups and their template nodes, the pending
// pods in planning order, the simulated cluster, the limits, and the plan being written. Built
// once per planScaleUp; nothing in it outlives the call (per-object caches of pods and nodes
// live in WeakMaps next to the code that fills them).
import { indexBoundPods } from './bound-pods';
import { Cluster } from './cluster';
import { Limits, groupKey } from './limits';
import { type PendingPod, PodClasses } from './pod-class';
import { type SimNode, existingSimNode } from './sim-node';
import { type Template, buildTemplate, simulatedNodeName } from './templates';
import { Topology, needsLabelGroups } from './topology';
import type { GroupRef, GroupView, NewNode, PlannerInput, ScaleUpPlan } from './types';
import { StaticVerdicts } from './verdicts';

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Largest first (cpu, then memory), ties by name: first-fit decreasing's order. */
function largestFirst(a: PendingPod, b: PendingPod): number {
  return b.cls.cpu - a.cls.cpu || b.cls.memory - a.cls.memory || compareText(a.key, b.key);
}

/** Everything the steps share. */
export class Planning {
  readonly groups: GroupView[];
  readonly classes = new PodClasses();
  readonly pending: PendingPod[];
  readonly templatesByGroup = new Map<GroupView, Template[]>();
  readonly templates: Template[] = [];
  readonly cluster: Cluster;
  readonly limits: Limits;
  /**
   * Where pending pods go before any new node, in first-fit order: Ready schedulable nodes by
   * name, then in-flight nodes, then minNodes top-up nodes.
   */
  readonly targets: SimNode[] = [];
  readonly plan: ScaleUpPlan = {
    newNodes: [],
    fitsExisting: new Map(),
    unschedulable: [],
    heldBack: [],
    decisions: [],
  };
  /** Top-up nodes, by the simulated node that stands for them. */
  readonly plannedNodes = new Map<SimNode, NewNode>();
  private sequence = 0;

  constructor(readonly input: PlannerInput) {
    this.groups = [...input.groups].sort((a, b) => compareText(groupKey(a), groupKey(b)));
    this.pending = input.pendingPods.map((pod) => this.classes.pending(pod)).sort(largestFirst);
    this.limits = new Limits(input);

    const nodes = [...input.nodes].sort((a, b) =>
      compareText(a.metadata?.name ?? '', b.metadata?.name ?? ''),
    );
    const templateCount = this.groups.reduce((n, g) => n + g.offerings.length, 0);
    const verdicts = new StaticVerdicts(nodes.length + templateCount);
    const simNodes = nodes.map((node, i) => existingSimNode(node, i));
    for (const group of this.groups) {
      const templates = group.offerings.map((offering) => {
        const index = this.templates.length;
        const template = buildTemplate(
          index,
          nodes.length + index,
          group,
          offering,
          input.daemonSets,
          this.classes,
          verdicts,
        );
        this.templates.push(template);
        return template;
      });
      this.templatesByGroup.set(group, templates);
    }

    // Ready schedulable nodes are where pending pods go first, in name order.
    this.targets.push(...simNodes.filter((n) => n.schedulable));
    const bound = indexBoundPods(
      input.boundPods,
      new Map(simNodes.map((n) => [n.name, n])),
      needsLabelGroups(this.classes.all),
    );
    const topology = new Topology(this.classes.all, simNodes, bound, verdicts);
    this.cluster = new Cluster(verdicts, topology, templateCount);
  }

  /** A fresh name for a simulated node. */
  readonly nodeName = (group: GroupView) => () => simulatedNodeName(group, ++this.sequence);

  template(group: GroupView, offeringId: string): Template | undefined {
    return this.templatesByGroup.get(group)?.find((t) => t.offering.id === offeringId);
  }

  group(ref: GroupRef): GroupView | undefined {
    return this.groups.find((g) => g.namespace === ref.namespace && g.name === ref.name);
  }
}
