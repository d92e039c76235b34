// Which nodes to remove when a NodeGroup has more nodes than maxNodes (maxNodes was lowered, or
// nodes were added by hand). Pure: the controller starts an `above-max-nodes` scale-down
// workflow for each chosen node, and that workflow still runs the safety checks.
//
// Choice, and why:
// - Only VPSieNodes in phase Ready whose Node exists with our labels for this group. Provisioning
//   is never interrupted (a node on its way is cheaper to let finish than to tear down half-made,
//   and it may be what a pending pod waits for); a Failed or leaving node is not counted anyway.
// - Newest first (VM creation time, then name): the newest node has had the least time to
//   collect long-running workloads, so it is usually the cheapest to drain; a deterministic order
//   also means every reconcile picks the same node, never a second one for the same excess.
// - Only as many as bring the group down to maxNodes, counting removals already in progress
//   (whatever started them), and no more at once than scaleDownPolicy.maxConcurrentScaleDowns:
//   removals started together each check that pods fit elsewhere before any of them cordons.
import type { NodeGroup } from '../../apis/v1alpha1';
import type { Member } from './members';

export interface ExcessOptions {
  /** Node names with a scale-down workflow running (a visibility query, plus our own starts). */
  inFlight?: readonly string[];
  /** Node names not to choose now: a recent removal of theirs ended without removing them. */
  notNow?: readonly string[];
}

export interface ExcessChoice {
  nodeName: string;
  vpsieNode: string;
}

export interface ExcessSelection {
  /** currentNodes above maxNodes (0 when within). */
  over: number;
  /** Of those, not yet covered by a removal in progress. */
  needed: number;
  chosen: ExcessChoice[];
  /** Eligible nodes needed but held back by maxConcurrentScaleDowns. */
  heldBack: number;
  /** scaleDownPolicy.enabled is false: nothing is chosen however many are over. */
  disabled: boolean;
}

const createdMs = (m: Member) => {
  const ms = Date.parse(
    m.vpsieNode.status?.createdAt ?? m.vpsieNode.metadata.creationTimestamp ?? '',
  );
  return Number.isNaN(ms) ? 0 : ms;
};

export function selectExcess(
  group: Pick<NodeGroup, 'spec'>,
  members: readonly Member[],
  options: ExcessOptions = {},
): ExcessSelection {
  const { maxNodes } = group.spec;
  const { enabled, maxConcurrentScaleDowns } = group.spec.scaleDownPolicy;
  const inFlight = new Set(options.inFlight ?? []);
  const notNow = new Set(options.notNow ?? []);
  const leaving = (m: Member) => m.removing || inFlight.has(m.nodeName);

  const counted = members.filter((m) => m.counted);
  const over = Math.max(0, counted.length - maxNodes);
  const needed = Math.max(0, counted.filter((m) => !leaving(m)).length - maxNodes);
  const busy = members.filter((m) => m.phase !== 'Failed' && leaving(m)).length;
  const slots = Math.max(0, maxConcurrentScaleDowns - busy);

  const eligible = counted
    .filter((m) => m.phase === 'Ready' && m.node !== undefined && !leaving(m))
    .filter((m) => !notNow.has(m.nodeName))
    .sort((a, b) => createdMs(b) - createdMs(a) || a.nodeName.localeCompare(b.nodeName));
  const wanted = Math.min(needed, eligible.length);
  const chosen = enabled
    ? eligible.slice(0, Math.min(wanted, slots)).map((m) => ({
        nodeName: m.nodeName,
        vpsieNode: m.vpsieNode.metadata.name ?? m.nodeName,
      }))
    : [];
  return {
    over,
    needed,
    chosen,
    heldBack: enabled ? wanted - chosen.length : 0,
    disabled: !enabled,
  };
}
