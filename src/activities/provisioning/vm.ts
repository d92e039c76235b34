// The VM at VPSie: created idempotently (the client looks the hostname up first, so a crash or
// retry never makes a second VM), waited for with heartbeats, deleted on compensation.
import { Context } from '@temporalio/activity';
import { VpsieNotFoundError } from '../../vpsie';
import { fromVpsieError, permanent } from '../failures';
import { noteAttempt } from './attempts';
import type { ProvisioningDeps } from './deps';
import { readUserData } from './user-data';
import {
  FailureTypes,
  type CreatedVm,
  type ProvisioningPlan,
  type RunningVm,
  type UserDataRef,
  type VpsieNodeRef,
} from './types';

export function createVmActivity(deps: ProvisioningDeps) {
  return async function createVm(
    ref: VpsieNodeRef,
    input: { plan: ProvisioningPlan; userData: UserDataRef; sshKeyIds: string[] },
    attempt: number,
  ): Promise<CreatedVm> {
    noteAttempt(deps, 'createVm', attempt);
    const { plan } = input;
    const userData = await readUserData(deps.kube.core, ref.namespace, input.userData.secretName);
    try {
      const vm = await deps.vpsie.createVm({
        hostname: plan.nodeName,
        offeringId: plan.offeringId,
        osIdentifier: plan.osImageId,
        datacenterId: plan.datacenterId,
        projectId: plan.projectId,
        userData,
        sshKeyIds: input.sshKeyIds,
        tags: ['vpsie-autoscaler', `nodegroup:${plan.nodeGroup}`],
        notes: `vpsie-autoscaler: ${ref.namespace}/${ref.name}`,
      });
      return { vmId: vm.identifier, hostname: vm.hostname };
    } catch (err) {
      throw fromVpsieError(err);
    }
  };
}

export function waitForVmRunningActivity(deps: ProvisioningDeps) {
  return async function waitForVmRunning(
    input: { vmId: string; timeoutSeconds: number },
    attempt: number,
  ): Promise<RunningVm> {
    noteAttempt(deps, 'waitForVmRunning', attempt);
    const ctx = Context.current();
    const deadline = Date.now() + input.timeoutSeconds * 1000;
    for (;;) {
      const vm = await deps.vpsie.getVm(input.vmId).catch((err: unknown) => {
        throw fromVpsieError(err);
      });
      ctx.heartbeat({ state: vm.state });
      if (vm.state === 'running') {
        return {
          vmId: vm.identifier,
          ipAddress: vm.publicIpv4,
          privateIpAddress: vm.privateIp,
          ipv6Address: vm.publicIpv6,
        };
      }
      if (Date.now() >= deadline) {
        throw permanent(
          FailureTypes.bootTimeout,
          `VM ${input.vmId} not running after ${input.timeoutSeconds}s (state ${vm.state ?? 'unknown'})`,
        );
      }
      await ctx.sleep(deps.pollIntervalMs); // rejects when the activity is cancelled
    }
  };
}

/** Deletes the VM named `hostname` if it exists; true when one was deleted. */
export async function deleteVmByHostname(
  deps: ProvisioningDeps,
  hostname: string,
  reason: string,
): Promise<boolean> {
  const vm = await deps.vpsie.findVmByHostname(hostname);
  if (!vm) return false;
  try {
    await deps.vpsie.deleteVm(vm.identifier, reason);
  } catch (err) {
    if (!(err instanceof VpsieNotFoundError)) throw err;
  }
  return true;
}
