// Recorders for node group state: size gauges, VPSieNodes per phase, phase transitions, and
// removal of a deleted group's gauges (a deleted group must not look "stuck" forever).
import type { MetricInstruments } from './definitions';
import { VPSIE_NODE_PHASES, type VpsieNodePhase } from './label-values';
import { count, oneOf } from './metric-input-error';
import { nodeGroupLabels, type NodeGroupRef } from './node-group-ref';

export interface NodeGroupStatus extends NodeGroupRef {
  desired: number;
  current: number;
  ready: number;
  min: number;
  max: number;
}

export function nodeGroupRecorders(m: MetricInstruments, now: () => number) {
  const sizeGauges = [
    ['desired', m.nodeGroupDesiredNodes],
    ['current', m.nodeGroupCurrentNodes],
    ['ready', m.nodeGroupReadyNodes],
    ['min', m.nodeGroupMinNodes],
    ['max', m.nodeGroupMaxNodes],
  ] as const;

  return {
    /** Publishes the group's sizes and stamps the time, so stale gauges can be alerted on. */
    recordNodeGroupStatus(status: NodeGroupStatus): void {
      const values = sizeGauges.map(([field]) => count(field, status[field]));
      const group = nodeGroupLabels(status);
      sizeGauges.forEach(([, gauge], i) => gauge.set(group, values[i]!));
      m.nodeGroupLastReconcile.set(group, now() / 1000);
    },

    /**
     * Sets the VPSieNode count of every phase for the group; phases not in `counts` are set to
     * 0 so a stacked chart of the phases always adds up to the group's VPSieNodes.
     */
    setVpsieNodePhaseCounts(
      input: NodeGroupRef & { counts: Partial<Record<VpsieNodePhase, number>> },
    ): void {
      const counts = new Map<VpsieNodePhase, number>();
      for (const [phase, value] of Object.entries(input.counts)) {
        counts.set(oneOf('counts key', VPSIE_NODE_PHASES, phase), count(`counts.${phase}`, value));
      }
      const group = nodeGroupLabels(input);
      for (const phase of VPSIE_NODE_PHASES) {
        m.vpsieNodePhase.set({ ...group, phase }, counts.get(phase) ?? 0);
      }
    },

    recordVpsieNodePhaseTransition(
      input: NodeGroupRef & { from: VpsieNodePhase; to: VpsieNodePhase },
    ): void {
      const from = oneOf('from', VPSIE_NODE_PHASES, input.from);
      const to = oneOf('to', VPSIE_NODE_PHASES, input.to);
      m.vpsieNodePhaseTransitions.inc({
        ...nodeGroupLabels(input),
        from_phase: from,
        to_phase: to,
      });
    },

    /**
     * Removes every gauge series of a deleted node group. Counters and histograms stay: they
     * are history, and Prometheus handles their disappearance on restart anyway.
     */
    forgetNodeGroup(ref: NodeGroupRef): void {
      const group = nodeGroupLabels(ref);
      for (const [, gauge] of sizeGauges) gauge.remove(group);
      m.nodeGroupLastReconcile.remove(group);
      m.scaleDownPaused.remove(group);
      for (const phase of VPSIE_NODE_PHASES) m.vpsieNodePhase.remove({ ...group, phase });
    },
  };
}
