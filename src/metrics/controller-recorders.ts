// Recorders for the controller's own work: reconciles, and the pending pods it reacts to.
import type { MetricInstruments } from './definitions';
import {
  RECONCILE_ERROR_TYPES,
  RECONCILE_RESULTS,
  UNSCHEDULABLE_CONSTRAINTS,
  type ReconcileErrorType,
  type UnschedulableConstraint,
} from './label-values';
import { count, durationSeconds, labelValue, MetricInputError, oneOf } from './metric-input-error';

export type ReconcileOutcome = { controller: string; durationSeconds: number } & (
  { result: 'success' | 'requeue' } | { result: 'error'; errorType: ReconcileErrorType }
);

export function controllerRecorders(m: MetricInstruments) {
  // Namespaces that ever had pending pods: when they empty, their series drops to 0 instead of
  // vanishing, so "pending pods" graphs and alerts see a zero rather than no data.
  const seenNamespaces = new Set<string>();

  return {
    recordReconcile(input: ReconcileOutcome): void {
      const controller = labelValue('controller', input.controller);
      const result = oneOf('result', RECONCILE_RESULTS, input.result);
      const seconds = durationSeconds('durationSeconds', input.durationSeconds);
      // errorType belongs to errors only: a stray one hints at a mixed-up call site.
      const givenErrorType: unknown = 'errorType' in input ? input.errorType : undefined;
      if (result !== 'error' && givenErrorType !== undefined) {
        throw new MetricInputError('errorType', givenErrorType, 'only with result "error"');
      }
      const errorType =
        result === 'error' ? oneOf('errorType', RECONCILE_ERROR_TYPES, givenErrorType) : undefined;
      m.reconcileDuration.observe({ controller }, seconds);
      m.reconcileTotal.inc({ controller, result });
      if (errorType) m.reconcileErrors.inc({ controller, error_type: errorType });
    },

    /** A full snapshot: unschedulable pods per pod namespace, as seen in this pass. */
    setPendingPods(byNamespace: Record<string, number>): void {
      const totals = new Map<string, number>();
      for (const [namespace, value] of Object.entries(byNamespace)) {
        const pods = count(`byNamespace.${namespace}`, value);
        const label = labelValue('namespace', namespace);
        // Two raw names may sanitise to the same label value: their pods add up.
        totals.set(label, (totals.get(label) ?? 0) + pods);
      }
      for (const namespace of seenNamespaces) {
        if (!totals.has(namespace)) m.pendingPods.set({ namespace }, 0);
      }
      for (const [namespace, pods] of totals) {
        seenNamespaces.add(namespace);
        m.pendingPods.set({ namespace }, pods);
      }
    },

    /** The planner found that no NodeGroup can ever run this pending pod. */
    recordPodWithoutScaleUp(input: {
      namespace: string;
      constraint: UnschedulableConstraint;
    }): void {
      const constraint = oneOf('constraint', UNSCHEDULABLE_CONSTRAINTS, input.constraint);
      m.podsWithoutScaleUp.inc({ namespace: labelValue('namespace', input.namespace), constraint });
    },

    /** A pod was first seen unschedulable for `constraint`; record once per pod, not per pass. */
    recordUnschedulablePod(input: {
      namespace: string;
      constraint: UnschedulableConstraint;
    }): void {
      const constraint = oneOf('constraint', UNSCHEDULABLE_CONSTRAINTS, input.constraint);
      m.unschedulablePods.inc({ namespace: labelValue('namespace', input.namespace), constraint });
    },
  };
}
