// Capacity that exists or is already coming, used before any new node is planned: in-flight
// VPSieNodes (not Ready yet) and the minNodes top-up count like Ready nodes, so pods that fit
// them cause no second scale-up. Then each pending pod, largest first, goes first-fit to a Ready
// schedulable node, an in-flight node or a top-up node.
import { describeOffering, plural } from './format';
import { firstFit, runsOf } from './packing';
import type { PendingPod } from './pod-class';
import { type Planning, compareText } from './planning';
import type { GroupView, NewNode, OfferingInfo } from './types';

/** The offering a minNodes top-up uses: cheapest, then preferred, then spec order. */
export function cheapestOffering(group: GroupView): OfferingInfo | undefined {
  let best: OfferingInfo | undefined;
  for (const offering of group.offerings) {
    if (best === undefined) {
      best = offering;
      continue;
    }
    const price = offering.priceMonthly ?? Infinity;
    const bestPrice = best.priceMonthly ?? Infinity;
    if (price < bestPrice || (price === bestPrice && offering.id === group.preferredOffering)) {
      best = offering;
    }
  }
  return best;
}

/** In-flight nodes of a known group and offering join the targets as template nodes. */
export function addInFlight(p: Planning): void {
  const known = new Set(p.targets.map((n) => n.name));
  const inFlight = [...p.input.inFlight].sort((a, b) => compareText(a.nodeName, b.nodeName));
  let count = 0;
  for (const entry of inFlight) {
    // Already Ready and schedulable: it is counted as an existing node.
    if (known.has(entry.nodeName)) continue;
    const group = p.group(entry.group);
    const template = group && p.template(group, entry.offeringId);
    // Unknown group or offering: we cannot tell what it will offer, so it is not counted.
    if (template === undefined) continue;
    p.targets.push(p.cluster.openNode(template, entry.nodeName, 'in-flight'));
    count++;
  }
  p.cluster.topology.journal.forget(0);
  if (count > 0) p.plan.decisions.push(`${plural(count, 'in-flight node')} counted as capacity`);
}

/**
 * Groups below minNodes (scale-up enabled, not backing off, within the limits) get nodes of
 * their cheapest offering first; those nodes take pending pods like in-flight ones.
 */
export function topUpMinNodes(p: Planning): void {
  for (const group of p.groups) {
    const missing = group.minNodes - group.currentNodes;
    if (missing <= 0) continue;
    const status = `${group.name} has ${group.currentNodes} of minNodes ${group.minNodes}`;
    const offering = cheapestOffering(group);
    if (offering === undefined) {
      p.plan.decisions.push(`${status}, but it has no known offering`);
      continue;
    }
    const allowance = p.limits.allowance(group, offering);
    const count = Math.min(missing, allowance.nodes);
    if (count < missing) {
      p.plan.decisions.push(
        `${status}; ${count === 0 ? 'no node added' : `only ${plural(count, 'node')} added`}: ${allowance.limit?.detail}`,
      );
    }
    if (count === 0) continue;
    const template = p.template(group, offering.id)!;
    const summary = `${status}; ${describeOffering(offering)} is its cheapest offering`;
    for (let i = 0; i < count; i++) {
      const node = p.cluster.openNode(template, p.nodeName(group)(), 'planned');
      const newNode: NewNode = {
        group: { namespace: group.namespace, name: group.name },
        offeringId: offering.id,
        reason: { kind: 'below_min_nodes', pods: [], summary },
      };
      p.plan.newNodes.push(newNode);
      p.plannedNodes.set(node, newNode);
      p.targets.push(node);
    }
    p.limits.add(group, offering, count);
    if (count === missing) p.plan.decisions.push(`${summary}: adding ${plural(count, 'node')}`);
  }
  p.cluster.topology.journal.forget(0);
}

/** First fit on existing, in-flight and top-up nodes; returns the pods that fit none. */
export function placeOnExisting(p: Planning): PendingPod[] {
  const { cluster, targets, plan } = p;
  let fitted = 0;
  const unplaced = firstFit(
    cluster,
    targets,
    runsOf(p.pending),
    p.classes.all.length,
    (pending, node) => {
      fitted++;
      const planned = p.plannedNodes.get(node);
      if (planned) (planned.reason.absorbedPods ??= []).push(pending.key);
      else plan.fitsExisting.set(pending.key, node.name);
    },
  );
  cluster.topology.journal.forget(0);
  if (fitted > 0) {
    plan.decisions.push(
      `${plural(fitted, 'pending pod')} fit existing, in-flight or minNodes capacity`,
    );
  }
  return unplaced;
}
