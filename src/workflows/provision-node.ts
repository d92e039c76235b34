// One workflow per VPSieNode (id `provision/<namespace>/<name>`): render cloud-init, merge SSH
// keys, create the VM, wait for it to run and for its Node to be Ready, label it. Every step is
// an activity; this code only orders them, keeps the deadline and compensates on failure.
import {
  CancellationScope,
  defineQuery,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  ProvisioningActivities,
  ProvisioningFailureReason,
  ProvisioningPlan,
  VpsieNodeRef,
} from '../activities/provisioning/types';
import { FailureTypes } from '../activities/provisioning/types';
import { errorMessage, failureType, runStep, type StepState } from './step-runner';
import { SearchAttributes } from '../temporal/search-attributes';

export interface ProvisioningStatus extends StepState {
  phase: string;
  vmId?: string;
  nodeName?: string;
}

export interface ProvisionNodeResult {
  outcome: 'Ready' | 'Failed';
  vmId?: string;
  nodeName: string;
  reason?: ProvisioningFailureReason;
  error?: string;
}

export const provisioningStatusQuery = defineQuery<ProvisioningStatus>('provisioningStatus');

/**
 * Patch id: the three independent preparation steps (status Provisioning, bootstrap token, SSH
 * keys) run at once instead of one after another, which takes two activity round trips off the
 * time from a scale-up decision to the VM create request. Histories recorded before it replay
 * through the sequential path.
 */
export const PARALLEL_PREPARATION = 'parallel-preparation';

export function provisionWorkflowId(ref: VpsieNodeRef): string {
  return `provision/${ref.namespace}/${ref.name}`;
}

// Short steps: Kubernetes and VPSie calls. Temporal-level retries are off (maximumAttempts 1):
// runStep retries in the workflow so each attempt is visible and counted.
const quick = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 1 },
});

// Long waits heartbeat; a lost worker is noticed within the heartbeat timeout.
const waits = (timeoutSeconds: number) =>
  proxyActivities<ProvisioningActivities>({
    startToCloseTimeout: `${timeoutSeconds + 60} seconds`,
    heartbeatTimeout: '30 seconds',
    retry: { maximumAttempts: 1 },
  });

const REASON_BY_FAILURE_TYPE: Record<string, ProvisioningFailureReason> = {
  [FailureTypes.quota]: 'quota',
  [FailureTypes.bootTimeout]: 'boot_timeout',
  [FailureTypes.joinTimeout]: 'join_timeout',
  [FailureTypes.invalidSpec]: 'invalid_spec',
  [FailureTypes.vpsieApi]: 'vpsie_api',
};

export function failureReason(err: unknown): ProvisioningFailureReason {
  if (isCancellation(err)) return 'cancelled';
  return REASON_BY_FAILURE_TYPE[failureType(err) ?? ''] ?? 'unknown';
}

/**
 * Runs independent steps at once, each with its own attempt count, and waits for all of them to
 * settle (so nothing still runs when compensation starts). Returns what succeeded and the first
 * error; the status query shows `step` as the group name while they run.
 */
async function inParallel<T extends Record<string, (state: StepState) => Promise<unknown>>>(
  status: StepState,
  name: string,
  steps: T,
): Promise<{
  settled: { [K in keyof T]?: Awaited<ReturnType<T[K]>> };
  error: unknown;
}> {
  status.step = name;
  const entries = Object.entries(steps);
  const states = entries.map(() => ({ step: name, attempts: 0 }) as StepState);
  const results = await Promise.allSettled(entries.map(([, run], i) => run(states[i]!)));
  status.attempts = Math.max(...states.map((s) => s.attempts));
  const settled: Record<string, unknown> = {};
  let error: unknown;
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') settled[entries[i]![0]] = result.value;
    else {
      error ??= result.reason;
      status.lastError = states[i]!.lastError;
    }
  });
  return { settled: settled as { [K in keyof T]?: Awaited<ReturnType<T[K]>> }, error };
}

export async function provisionNode(ref: VpsieNodeRef): Promise<ProvisionNodeResult> {
  const startedAtMs = Date.now(); // deterministic inside workflows: the task's start time
  const { workflowId } = workflowInfo();
  const status: ProvisioningStatus = { phase: 'Pending', step: 'start', attempts: 0 };
  setHandler(provisioningStatusQuery, () => ({ ...status }));

  const setPhase = async (phase: ProvisioningStatus['phase']) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: SearchAttributes.phase, value: phase }]);
  };

  let plan: ProvisioningPlan | undefined;
  let tokenId: string | undefined;
  let userDataSecret: string | undefined;
  try {
    plan = await runStep(status, 'resolveProvisioningPlan', () =>
      quick.resolveProvisioningPlan(ref),
    );
    const p = plan;
    status.nodeName = p.nodeName;
    upsertSearchAttributes([
      { key: SearchAttributes.nodeGroup, value: `${ref.namespace}/${p.nodeGroup}` },
    ]);
    const deadlineMs = startedAtMs + p.nodeReadyTimeoutSeconds * 1000;
    const secondsLeft = () => Math.max(1, Math.ceil((deadlineMs - Date.now()) / 1000));

    await setPhase('Provisioning');
    const markProvisioning = (state: StepState) =>
      runStep(state, 'updateVpsieNodeStatus', () =>
        quick.updateVpsieNodeStatus(ref, {
          phase: 'Provisioning',
          workflowId,
          nodeName: p.nodeName,
        }),
      );
    const createToken = (state: StepState) =>
      runStep(state, 'createBootstrapToken', (a) => quick.createBootstrapToken(ref, a));
    const collectKeys = (state: StepState) =>
      runStep(state, 'collectSshKeys', (a) => quick.collectSshKeys(ref, a));
    let keys: Awaited<ReturnType<typeof collectKeys>>;
    let token: string;
    if (patched(PARALLEL_PREPARATION)) {
      const prepared = await inParallel(status, 'prepare', {
        marked: markProvisioning,
        token: createToken,
        keys: collectKeys,
      });
      // Kept even when another preparation failed: compensation must delete the token.
      tokenId = prepared.settled.token?.tokenId;
      if (prepared.error !== undefined) throw prepared.error;
      token = prepared.settled.token!.tokenId;
      keys = prepared.settled.keys!;
    } else {
      await markProvisioning(status);
      token = tokenId = (await createToken(status)).tokenId;
      keys = await collectKeys(status);
    }
    const userData = await runStep(status, 'renderUserData', (a) =>
      quick.renderUserData(ref, { plan: p, tokenId: token, publicKeys: keys.publicKeys }, a),
    );
    userDataSecret = userData.secretName;
    const vm = await runStep(status, 'createVm', (a) =>
      quick.createVm(ref, { plan: p, userData, sshKeyIds: keys.keyIds }, a),
    );
    status.vmId = vm.vmId;
    upsertSearchAttributes([{ key: SearchAttributes.vmId, value: vm.vmId }]);

    const running = await runStep(status, 'waitForVmRunning', (a) =>
      waits(secondsLeft()).waitForVmRunning({ vmId: vm.vmId, timeoutSeconds: secondsLeft() }, a),
    );
    await setPhase('Provisioned');
    await runStep(status, 'updateVpsieNodeStatus', () =>
      quick.updateVpsieNodeStatus(ref, {
        phase: 'Provisioned',
        vm: {
          vpsID: vm.vmId,
          ipAddress: running.ipAddress,
          privateIpAddress: running.privateIpAddress,
        },
      }),
    );
    await setPhase('Joining');
    await runStep(status, 'updateVpsieNodeStatus', () =>
      quick.updateVpsieNodeStatus(ref, { phase: 'Joining' }),
    );
    await runStep(status, 'waitForNodeReady', (a) =>
      waits(secondsLeft()).waitForNodeReady(
        { nodeName: p.nodeName, timeoutSeconds: secondsLeft() },
        a,
      ),
    );
    await runStep(status, 'applyNodeMetadata', (a) => quick.applyNodeMetadata(ref, { plan: p }, a));
    await setPhase('Ready');
    await runStep(status, 'updateVpsieNodeStatus', () =>
      quick.updateVpsieNodeStatus(ref, { phase: 'Ready', nodeName: p.nodeName }),
    );
    await runStep(status, 'finishProvisioning', () =>
      quick.finishProvisioning(ref, {
        plan: p,
        tokenId: token,
        userDataSecret: userData.secretName,
        startedAtMs,
      }),
    );
    status.step = 'done';
    return { outcome: 'Ready', vmId: vm.vmId, nodeName: p.nodeName };
  } catch (err) {
    const reason = failureReason(err);
    const message = errorMessage(err);
    status.lastError = message;
    // Compensation must run even when the workflow itself was cancelled.
    await CancellationScope.nonCancellable(async () => {
      await runStep(status, 'cleanupFailedProvisioning', () =>
        quick.cleanupFailedProvisioning(ref, {
          hostname: plan?.nodeName ?? ref.name,
          tokenId,
          userDataSecret,
        }),
      );
      await setPhase('Failed');
      await runStep(status, 'reportProvisioningFailure', () =>
        quick.reportProvisioningFailure(ref, {
          nodeGroup: plan?.nodeGroup,
          reason,
          message,
          startedAtMs,
        }),
      );
    });
    status.step = 'failed';
    return {
      outcome: 'Failed',
      vmId: status.vmId,
      nodeName: plan?.nodeName ?? ref.name,
      reason,
      error: message,
    };
  }
}
