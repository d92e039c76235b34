// The scale-down policy in force for one NodeGroup: its own scaleDownPolicy fields where the
// manifest has them, the cluster-wide configuration (config.scaling) for the rest. Pure.
//
// Presence is judged on the object as stored, before our zod defaults: a parsed NodeGroup has
// every field filled with the CRD's defaults, which would hide the operator's cluster-wide
// settings. (The API server applies the same CRD defaults on write, so in practice groups carry
// every field; the configuration covers objects written before those defaults existed.)
import type { NodeGroup, ScaleDownPolicy } from '../apis/v1alpha1';
import type { SafetyCheckCode } from './safety/codes';
import type { CooldownPolicy, MaintenanceWindowSpec, PauseState } from './safety/input';

export interface ScaleDownDefaults {
  /** config.scaling.scaleDownUtilizationThreshold */
  utilizationThreshold: number;
  /** config.scaling.scaleDownUnneededSeconds */
  unneededSeconds: number;
  /** config.scaling.scaleDownDelayAfterAddSeconds, in ms. */
  delayAfterAddMs: number;
  /** config.scaling.scaleDownDelayAfterFailureSeconds, in ms. */
  delayAfterFailureMs: number;
  /** config.scaling.maxGracefulTerminationSeconds: the cluster's cap on evicted pods' grace. */
  maxGracefulTerminationSeconds: number;
  /** Safety checks the cluster configuration turns off (config.scaling.skipNodesWith*). */
  skippedChecks: readonly SafetyCheckCode[];
}

export interface EffectiveScaleDownPolicy {
  enabled: boolean;
  minNodes: number;
  utilizationThreshold: number;
  unneededSeconds: number;
  maxConcurrentScaleDowns: number;
  maintenanceWindows?: readonly MaintenanceWindowSpec[];
  cooldowns: CooldownPolicy;
  pause?: PauseState;
  skippedChecks: readonly SafetyCheckCode[];
}

/** The stored scaleDownPolicy, any field possibly absent. */
export type StoredScaleDownPolicy = { [K in keyof ScaleDownPolicy]?: unknown };

const numberOr = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

const time = (iso: string | undefined) => {
  const ms = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * `group` is the validated NodeGroup (for the fields that have no cluster-wide counterpart);
 * `stored` is its spec.scaleDownPolicy as read from the API, before defaults.
 */
export function effectiveScaleDownPolicy(
  group: Pick<NodeGroup, 'spec' | 'status'>,
  stored: StoredScaleDownPolicy | undefined,
  defaults: ScaleDownDefaults,
): EffectiveScaleDownPolicy {
  const policy = group.spec.scaleDownPolicy;
  const status = group.status;
  const failed = status?.conditions?.find(
    (c) => c.type === 'ScaleDownFailed' && c.status === 'True',
  );
  const pause = status?.scaleDownPause;
  const groupCooldownMs =
    stored?.cooldownSeconds === undefined ? 0 : numberOr(stored.cooldownSeconds, 0) * 1000;
  return {
    enabled: policy.enabled,
    minNodes: group.spec.minNodes,
    utilizationThreshold: numberOr(stored?.utilizationThreshold, defaults.utilizationThreshold),
    unneededSeconds: numberOr(stored?.unneededTimeSeconds, defaults.unneededSeconds),
    maxConcurrentScaleDowns: policy.maxConcurrentScaleDowns,
    maintenanceWindows: policy.maintenanceWindows,
    cooldowns: {
      lastScaleUpMs: time(status?.lastScaleUpTime),
      lastScaleDownMs: time(status?.lastScaleDownTime),
      lastScaleDownFailureMs: time(failed?.lastTransitionTime),
      // The group's cooldownSeconds and the cluster's delay-after-add both say "wait after a
      // scale-up"; the workflow's own safety check applies the cluster's, so waiting for the
      // longer of the two never starts a removal that check would reject.
      delayAfterAddMs: Math.max(defaults.delayAfterAddMs, groupCooldownMs),
      delayAfterFailureMs: defaults.delayAfterFailureMs,
    },
    skippedChecks: defaults.skippedChecks,
    // status.scaleDownPause mirrors the pause-control workflows (cluster-wide pauses included);
    // the workflow re-reads the authoritative state, so a lagging mirror costs one blocked run.
    pause: pause
      ? { paused: pause.paused, reason: pause.reason, expiresAtMs: time(pause.expiresAt) }
      : undefined,
  };
}
