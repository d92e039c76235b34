// The scale-up rounds for the pods existing capacity cannot take. A round packs the remaining
// pods onto new nodes of every group and offering the limits allow (first-fit decreasing,
// packing.ts), keeps each group's best offering (offering-choice.ts), lets the expander chain
// pick one group (expanders/), and commits that group's nodes. Rounds repeat for the pods still
// unplaced, since a second group may run pods the first cannot, until no option places a pod.
//
// Most options do not change when a round commits another group's nodes, so the packing result
// of each group and offering is cached and recomputed only when the round may have changed it
// (see invalidate). The commit re-packs the winner and must reproduce its option exactly; if a
// cached option was ever stale, the round is undone and decided again on fresh options.
import { CPU, MEMORY } from '../disruption/resources';
import type { Cluster } from './cluster';
import { type ExpansionOption, runExpanders, wasteScore } from './expanders';
import { describeOffering, formatPrice, listWords, plural } from './format';
import type { Revertible } from './journal';
import type { Allowance } from './limits';
import { type OfferingChoice, chooseOffering, totalPrice } from './offering-choice';
import { type PackResult, pack, runsOf } from './packing';
import type { PendingPod, PodClass } from './pod-class';
import type { Planning } from './planning';
import { HOSTNAME } from './sim-node';
import type { Template } from './templates';
import type { GroupView } from './types';

interface CachedOption {
  result: PackResult;
  cap: number;
  valid: boolean;
}

interface GroupOption extends ExpansionOption {
  readonly choice: OfferingChoice;
  /** Most nodes the limits allowed the option. */
  readonly cap: number;
  readonly allowance: Allowance;
}

function toOption(
  group: GroupView,
  choice: OfferingChoice,
  cap: number,
  allowance: Allowance,
): GroupOption {
  const { result } = choice;
  const nodes = result.nodeCount;
  const allocatable = result.template.allocatable;
  return {
    group,
    offering: result.template.offering,
    nodeCount: nodes,
    podCount: result.placed,
    requested: { cpu: result.requestedCpu, memory: result.requestedMemory },
    allocatable: {
      cpu: (allocatable[CPU] ?? 0) * nodes,
      memory: (allocatable[MEMORY] ?? 0) * nodes,
    },
    totalPrice: totalPrice(result),
    choice,
    cap,
    allowance,
  };
}

function describeOption(o: GroupOption): string {
  return `${o.group.name} (${describeOffering(o.offering)}: ${plural(o.nodeCount, 'node')} for ${plural(o.podCount, 'pod')}, ${formatPrice(o.totalPrice)}, waste ${wasteScore(o).toFixed(2)})`;
}

/** Rounds of options and expander choices until no option places a pod. */
export function scaleUpForPods(p: Planning, unplaced: PendingPod[]): PendingPod[] {
  const { cluster, limits, plan } = p;
  const journal = cluster.topology.journal;
  const classCount = p.classes.all.length;
  const cache = new Map<Template, CachedOption>();
  let remaining = unplaced;

  while (remaining.length > 0) {
    const runs = runsOf(remaining);
    const options: GroupOption[] = [];
    for (const group of p.groups) {
      const results: PackResult[] = [];
      const allowances = new Map<Template, Allowance>();
      for (const template of p.templatesByGroup.get(group) ?? []) {
        const allowance = limits.allowance(group, template.offering);
        const templateCap = Math.min(allowance.nodes, remaining.length);
        if (templateCap === 0) continue;
        let cached = cache.get(template);
        const reusable =
          cached?.valid &&
          (cached.result.capped
            ? cached.cap === templateCap
            : templateCap >= cached.result.nodeCount);
        if (!reusable) {
          const mark = journal.mark();
          const result = pack(cluster, template, runs, {
            cap: templateCap,
            name: p.nodeName(group),
            classCount,
            record: false,
          });
          journal.rollback(mark);
          cached = { result, cap: templateCap, valid: true };
          cache.set(template, cached);
        }
        if (cached!.result.placed > 0) results.push(cached!.result);
        allowances.set(template, allowance);
      }
      const choice = chooseOffering(group, results);
      if (choice) {
        const template = choice.result.template;
        options.push(toOption(group, choice, cache.get(template)!.cap, allowances.get(template)!));
      }
    }
    if (options.length === 0) break;

    const { winner, decidedBy } = runExpanders(options, p.input.expanders, {
      random: p.input.random,
    }) as { winner: GroupOption; decidedBy: string };
    const template = winner.choice.result.template;
    const group = winner.group;

    // Commit: the same packing again, kept this time.
    const mark = journal.mark();
    const result = pack(cluster, template, runs, {
      cap: winner.cap,
      name: p.nodeName(group),
      classCount,
      record: true,
    });
    if (result.placed !== winner.podCount || result.nodeCount !== winner.nodeCount) {
      // A cached option was stale (invalidate() missed a change): undo, forget every cached
      // option and decide the round again on fresh ones. Never expected; it keeps a cache
      // mistake from ever becoming a wrong plan.
      journal.rollback(mark);
      cache.clear();
      continue;
    }
    const changes = [...journal.changesSince(mark)];
    journal.forget(mark);
    limits.add(group, template.offering, result.nodes.length);

    const others = options.filter((o) => o !== winner).map((o) => o.group.name);
    const chosen =
      others.length === 0
        ? `${group.name} is the only group that can run them`
        : `${group.name} chosen by ${decidedBy} over ${listWords(others)}`;
    const summary = `${plural(remaining.length, 'pod')} fit no node; ${chosen}; offering ${describeOffering(template.offering)} ${winner.choice.why}`;
    for (const pods of result.nodes) {
      plan.newNodes.push({
        group: { namespace: group.namespace, name: group.name },
        offeringId: template.offering.id,
        reason: { kind: 'unschedulable_pods', pods: pods.map((x) => x.key), summary },
      });
    }
    plan.decisions.push(
      `options for ${plural(remaining.length, 'pod')}: ${options.map(describeOption).join('; ')}`,
    );
    plan.decisions.push(
      `${summary}: adding ${plural(result.nodes.length, 'node')} for ${plural(result.placed, 'pod')}`,
    );
    if (result.capped) {
      plan.decisions.push(
        `${group.name} stopped at ${plural(result.nodes.length, 'node')}: ${winner.allowance.limit?.detail}`,
      );
    }

    const placed = new Set<PendingPod>();
    const placedClasses = new Set<PodClass>();
    for (const pods of result.nodes) {
      for (const pod of pods) {
        placed.add(pod);
        placedClasses.add(pod.cls);
      }
    }
    remaining = remaining.filter((pod) => !placed.has(pod));
    invalidate(cache, cluster, placedClasses, changes);
  }
  return remaining;
}

/**
 * Which cached options the committed round may have changed: those that would have taken one of
 * the pods just placed; those whose nodes share a (non-hostname) topology domain the round
 * counted pods in (a new node's hostname is its own, so hostname counts never affect another
 * option); and those whose pod-affinity or spread classes read a counter the round changed, in
 * any domain. A miss would not make a wrong plan (the commit check catches it), only a slower one.
 */
function invalidate(
  cache: Map<Template, CachedOption>,
  cluster: Cluster,
  placedClasses: ReadonlySet<PodClass>,
  changes: readonly [Revertible, string][],
): void {
  for (const [template, cached] of cache) {
    if (!cached.valid) continue;
    const stale =
      [...placedClasses].some((cls) => cluster.fitsFresh(cls, template)) ||
      changes.some(
        ([counter, value]) =>
          cached.result.reads.has(counter) ||
          (counter.key !== HOSTNAME && template.labels[counter.key] === value),
      );
    if (stale) cached.valid = false;
  }
}
