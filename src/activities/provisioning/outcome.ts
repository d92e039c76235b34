// How a provisioning ends. Success: delete the one-time token and user-data, count it. Failure:
// compensate (delete the VM so nothing is orphaned), mark the VPSieNode Failed with the reason,
// tell operators with an event, and make the NodeGroup back off (doubling up to a cap).
import { API_VERSION } from '../../apis/v1alpha1';
import { deleteBootstrapToken } from '../../kube/bootstrap-tokens';
import { isNotFound } from '../../kube/clients';
import { patchNodeGroupStatus, readNodeGroup, readVpsieNode } from '../../kube/custom-resources';
import { emitEvent } from '../../kube/events';
import type { ProvisioningDeps } from './deps';
import { updateVpsieNodeStatusActivity } from './status';
import type { ProvisioningFailureReason, ProvisioningPlan, VpsieNodeRef } from './types';
import { deleteVmByHostname } from './vm';

const seconds = (sinceMs: number) => Math.max(0, (Date.now() - sinceMs) / 1000);
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function deleteSecretIfExists(deps: ProvisioningDeps, namespace: string, name?: string) {
  if (!name) return;
  await deps.kube.core.deleteNamespacedSecret({ name, namespace }).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
}

/** CamelCase condition-style reasons for VPSieNode status. */
const STATUS_REASON: Record<ProvisioningFailureReason, string> = {
  quota: 'QuotaExceeded',
  boot_timeout: 'ProvisioningTimeout',
  join_timeout: 'JoinTimeout',
  vpsie_api: 'VPSieAPIError',
  invalid_spec: 'InvalidSpec',
  cancelled: 'Cancelled',
  unknown: 'ProvisioningFailed',
};

/** Pure: the next back-off of a NodeGroup after `consecutiveFailures` failures in a row. */
export function nextBackoffSeconds(
  consecutiveFailures: number,
  policy: { baseSeconds: number; maxSeconds: number },
): number {
  const exponent = Math.max(0, consecutiveFailures - 1);
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.min(exponent, 30));
}

/**
 * This failure's place in the group's streak: one more than before, unless the previous back-off
 * ended more than `resetSeconds` ago (config.scaling.nodeGroupBackoffResetSeconds), when a calm
 * period has passed and the streak starts again.
 */
export function consecutiveFailures(
  previous: { until: string; consecutiveFailures: number } | undefined,
  nowMs: number,
  resetSeconds: number,
): number {
  if (!previous) return 1;
  const endedMs = Date.parse(previous.until);
  if (!Number.isNaN(endedMs) && nowMs - endedMs > resetSeconds * 1000) return 1;
  return previous.consecutiveFailures + 1;
}

export function finishProvisioningActivity(deps: ProvisioningDeps) {
  return async function finishProvisioning(
    ref: VpsieNodeRef,
    input: { plan: ProvisioningPlan; tokenId: string; userDataSecret: string; startedAtMs: number },
  ): Promise<void> {
    await deleteBootstrapToken(deps.kube.core, input.tokenId);
    await deleteSecretIfExists(deps, ref.namespace, input.userDataSecret);
    // A success ends the group's back-off streak, and starts its scale-down cooldown (the
    // `cooldown` safety check reads lastScaleUpTime).
    await patchNodeGroupStatus(deps.kube.custom, ref.namespace, input.plan.nodeGroup, {
      backoff: null,
      lastScaleUpTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    deps.metrics.recordNodeProvisioningSucceeded({
      nodeGroup: input.plan.nodeGroup,
      namespace: ref.namespace,
      durationSeconds: seconds(input.startedAtMs),
    });
  };
}

export function cleanupFailedProvisioningActivity(deps: ProvisioningDeps) {
  return async function cleanupFailedProvisioning(
    ref: VpsieNodeRef,
    input: { hostname: string; tokenId?: string; userDataSecret?: string },
  ): Promise<{ vmDeleted: boolean }> {
    const vmDeleted = await deleteVmByHostname(deps, input.hostname, 'provisioning failed');
    if (input.tokenId) await deleteBootstrapToken(deps.kube.core, input.tokenId);
    await deleteSecretIfExists(deps, ref.namespace, input.userDataSecret);
    return { vmDeleted };
  };
}

export function reportProvisioningFailureActivity(deps: ProvisioningDeps) {
  const updateStatus = updateVpsieNodeStatusActivity(deps);
  return async function reportProvisioningFailure(
    ref: VpsieNodeRef,
    input: {
      nodeGroup?: string;
      reason: ProvisioningFailureReason;
      message: string;
      startedAtMs: number;
    },
  ): Promise<void> {
    const node = await readVpsieNode(deps.kube.custom, ref.namespace, ref.name).catch((err) => {
      if (isNotFound(err)) return undefined; // deleted meanwhile: nothing left to mark
      throw err;
    });
    const nodeGroup = input.nodeGroup ?? node?.spec.nodeGroupName;
    // The back-off first: once this node is Failed it no longer counts as arriving capacity,
    // and a scale-up pass in between must already see the group backing off, or it would
    // plan a replacement straight into the same failure.
    if (nodeGroup && input.reason !== 'cancelled') {
      await backOff(deps, ref.namespace, nodeGroup, input.message);
    }
    if (node) {
      await updateStatus(ref, {
        phase: 'Failed',
        failureReason: STATUS_REASON[input.reason],
        lastError: input.message.slice(0, 4096),
      });
      await emitEvent(
        deps.kube.events,
        {
          apiVersion: API_VERSION,
          kind: 'VPSieNode',
          namespace: ref.namespace,
          name: ref.name,
          uid: node.metadata.uid,
        },
        {
          type: 'Warning',
          reason: STATUS_REASON[input.reason],
          action: 'Provision',
          note: input.message,
        },
      );
    }
    if (!nodeGroup) return;
    deps.metrics.recordNodeProvisioningFailed({
      nodeGroup,
      namespace: ref.namespace,
      reason: input.reason,
      durationSeconds: seconds(input.startedAtMs),
    });
  };
}

async function backOff(deps: ProvisioningDeps, namespace: string, name: string, reason: string) {
  const group = await readNodeGroup(deps.kube.custom, namespace, name).catch((err) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  if (!group) return;
  const failures = consecutiveFailures(
    group.status?.backoff,
    Date.now(),
    deps.backoff.resetSeconds,
  );
  const until = Date.now() + nextBackoffSeconds(failures, deps.backoff) * 1000;
  await patchNodeGroupStatus(deps.kube.custom, namespace, name, {
    backoff: {
      until: rfc3339(until),
      consecutiveFailures: failures,
      lastFailureReason: reason.slice(0, 1024),
    },
  });
}
