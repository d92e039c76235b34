// The stable reason codes of scale-down safety checks. They are label values of
// vpsie_autoscaler_safety_check_failures_total{check_type} and scale_down_blocked_total{reason},
// event reasons, NodeGroup status and the VpsieBlockedReason search attribute, so renaming one
// breaks dashboards and saved searches: add codes, never rename them.

/**
 * Every code, in the priority order runSafetyChecks reports failures: the first failure is the
 * blocking reason shown to operators. Operator intent and cluster-wide conditions come first
 * (they explain every node at once), then group limits, then this node, then its pods, and last
 * the scheduling simulation, whose answer only matters once nothing simpler blocks.
 */
export const SAFETY_CHECK_CODES = [
  'paused',
  'cluster_health',
  'maintenance_window',
  'cooldown',
  'min_nodes',
  'protected',
  'pdb',
  'system_pods',
  'no_controller',
  'local_storage',
  'cannot_reschedule',
  'anti_affinity',
  'capacity',
] as const;

export type SafetyCheckCode = (typeof SAFETY_CHECK_CODES)[number];
