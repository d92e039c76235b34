// What the rounds could not place. For each pod (once per class), an empty node of every
// template is tried in the cluster as the plan leaves it: if some group's node would take it, a
// limit stopped that group and the pod is held back with that limit; if none would, no new node
// can ever run it, and it is unschedulable with one reason per group.
import { listWords, plural } from './format';
import { type GroupReason, describeGroupRejection } from './group-reasons';
import { type LimitHit, groupKey } from './limits';
import type { PendingPod, PodClass } from './pod-class';
import { type Planning, compareText } from './planning';
import type { Rejection } from './predicates';
import type { Template } from './templates';
import type { GroupRef, GroupView, HeldBackPod, UnschedulablePod } from './types';

/** Held back (some group fits, a limit stops it) or unschedulable (no group ever fits). */
export function classifyLeftovers(p: Planning, leftovers: readonly PendingPod[]): void {
  const { cluster, limits, plan } = p;
  const journal = cluster.topology.journal;
  type Verdict =
    | { kind: 'held'; reason: LimitHit['reason']; detail: string; group?: GroupRef }
    | {
        kind: 'never';
        reasons: { group: string; reason: string }[];
        constraint: GroupReason['constraint'];
      };
  const verdicts = new Map<PodClass, Verdict>();

  const verdictFor = (cls: PodClass): Verdict => {
    const fitting: { group: GroupView; limit: LimitHit | undefined }[] = [];
    const reasons: { group: string; reason: string }[] = [];
    let constraint: GroupReason['constraint'] | undefined;
    for (const group of p.groups) {
      const rejections: { template: Template; rejection: Rejection }[] = [];
      const fits: Template[] = [];
      for (const template of p.templatesByGroup.get(group) ?? []) {
        // An empty node of the template, in the cluster as the plan leaves it.
        const mark = journal.mark();
        const node = cluster.openNode(template, p.nodeName(group)(), 'new');
        const rejection = cluster.explain(cls, node);
        journal.rollback(mark);
        if (rejection) rejections.push({ template, rejection });
        else fits.push(template);
      }
      if (fits.length > 0) {
        // Packing would have taken the pod had a limit not stopped every offering it fits:
        // name the limit of one that allows no node.
        const allowances = fits.map((t) => limits.allowance(group, t.offering));
        const stopped = allowances.find((a) => a.nodes === 0) ?? allowances[0]!;
        fitting.push({ group, limit: stopped.limit });
        continue;
      }
      const why = describeGroupRejection(group, cls, rejections);
      reasons.push({ group: groupKey(group), reason: why.reason });
      constraint ??= why.constraint;
    }
    if (fitting.length > 0) {
      const names = listWords(fitting.map((f) => f.group.name));
      // Cluster-wide limits read the same for every group: say them once.
      const details = [
        ...new Set(fitting.map((f) => f.limit?.detail ?? `${f.group.name} has no node left`)),
      ];
      const [first] = fitting;
      return {
        kind: 'held',
        reason: first!.limit?.reason ?? 'max_nodes_per_scale_up',
        detail: `fits a new node of ${names}, but ${listWords(details)}`,
        // Named only when a single group could take the pod: then its limit alone holds it.
        group:
          fitting.length === 1
            ? { namespace: first!.group.namespace, name: first!.group.name }
            : undefined,
      };
    }
    // No group at all: the reasons stay empty and the caller says so.
    return { kind: 'never', reasons, constraint: constraint ?? 'other' };
  };

  const held: HeldBackPod[] = [];
  const never: UnschedulablePod[] = [];
  for (const pending of [...leftovers].sort((a, b) => compareText(a.key, b.key))) {
    let verdict = verdicts.get(pending.cls);
    if (verdict === undefined) {
      verdict = verdictFor(pending.cls);
      verdicts.set(pending.cls, verdict);
    }
    if (verdict.kind === 'held') {
      const { reason, detail, group } = verdict;
      held.push(
        group ? { pod: pending.key, group, reason, detail } : { pod: pending.key, reason, detail },
      );
    } else {
      never.push({ pod: pending.key, reasons: verdict.reasons, constraint: verdict.constraint });
    }
  }
  plan.heldBack.push(...held);
  plan.unschedulable.push(...never);
  if (held.length > 0) {
    plan.decisions.push(`${plural(held.length, 'pod')} held back by limits: ${held[0]!.detail}`);
  }
  if (never.length > 0) {
    plan.decisions.push(
      `${plural(never.length, 'pod')} no NodeGroup can run (e.g. ${never[0]!.pod}: ${never[0]!.reasons.map((r) => r.reason).join('; ')})`,
    );
  }
}
