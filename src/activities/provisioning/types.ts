// The contract between the provisioning workflow and its activities: plain, serialisable data
// only (it is stored in workflow history), and never a secret — the join token and rendered
// user-data stay in Kubernetes Secrets that activities read by name.
import type { VPSieNodePhase } from '../../apis/v1alpha1';
import type { ProvisioningFailureReason } from '../../metrics/label-values';

export interface VpsieNodeRef {
  namespace: string;
  name: string;
}

export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Everything the workflow needs to know about the node it provisions, resolved once. */
export interface ProvisioningPlan {
  nodeGroup: string;
  nodeName: string;
  datacenterId: string;
  offeringId: string;
  osImageId: string;
  kubernetesVersion: string;
  projectId: string;
  labels: Record<string, string>;
  taints: NodeTaint[];
  /** From the VM create request until the Node is Ready (NodeGroup provisioning policy). */
  nodeReadyTimeoutSeconds: number;
}

export interface SshKeySelection {
  keyIds: string[];
  publicKeys: string[];
  /** Human-readable problems (missing Secret or key, rejected key): shown on the NodeGroup. */
  warnings: string[];
}

export interface UserDataRef {
  secretName: string;
  bytes: number;
  /** Built-in variables the NodeGroup's cloudInitVariables overrode. */
  overriddenVariables: string[];
}

export interface CreatedVm {
  vmId: string;
  hostname: string;
}

export interface RunningVm {
  vmId: string;
  ipAddress?: string;
  privateIpAddress?: string;
  ipv6Address?: string;
}

export interface StatusUpdate {
  phase: VPSieNodePhase;
  workflowId?: string;
  nodeName?: string;
  lastError?: string;
  failureReason?: string;
  /** The VM once it exists: recorded in the VPSieNode's spec (vpsID is immutable there). */
  vm?: { vpsID: string; ipAddress?: string; privateIpAddress?: string };
}

/** The closed set defined with the metrics' label values. */
export type { ProvisioningFailureReason };

/** ApplicationFailure types our activities throw for permanent failures. */
export const FailureTypes = {
  quota: 'QuotaExceeded',
  bootTimeout: 'BootTimeout',
  joinTimeout: 'JoinTimeout',
  invalidSpec: 'InvalidSpec',
  vpsieApi: 'VpsieApiError',
} as const;

export interface ProvisioningActivities {
  resolveProvisioningPlan(ref: VpsieNodeRef): Promise<ProvisioningPlan>;
  updateVpsieNodeStatus(ref: VpsieNodeRef, update: StatusUpdate): Promise<void>;
  createBootstrapToken(ref: VpsieNodeRef, attempt: number): Promise<{ tokenId: string }>;
  collectSshKeys(ref: VpsieNodeRef, attempt: number): Promise<SshKeySelection>;
  renderUserData(
    ref: VpsieNodeRef,
    input: { plan: ProvisioningPlan; tokenId: string; publicKeys: string[] },
    attempt: number,
  ): Promise<UserDataRef>;
  createVm(
    ref: VpsieNodeRef,
    input: { plan: ProvisioningPlan; userData: UserDataRef; sshKeyIds: string[] },
    attempt: number,
  ): Promise<CreatedVm>;
  waitForVmRunning(
    input: { vmId: string; timeoutSeconds: number },
    attempt: number,
  ): Promise<RunningVm>;
  waitForNodeReady(
    input: { nodeName: string; timeoutSeconds: number },
    attempt: number,
  ): Promise<void>;
  applyNodeMetadata(
    ref: VpsieNodeRef,
    input: { plan: ProvisioningPlan },
    attempt: number,
  ): Promise<void>;
  /** Compensation: idempotent, safe when nothing was created. */
  cleanupFailedProvisioning(
    ref: VpsieNodeRef,
    input: { hostname: string; tokenId?: string; userDataSecret?: string },
  ): Promise<{ vmDeleted: boolean }>;
  /** Failed status, an event, and the NodeGroup's back-off. */
  reportProvisioningFailure(
    ref: VpsieNodeRef,
    input: {
      nodeGroup?: string;
      reason: ProvisioningFailureReason;
      message: string;
      startedAtMs: number;
    },
  ): Promise<void>;
  /** Success bookkeeping: delete the one-time token and user-data Secret, record metrics. */
  finishProvisioning(
    ref: VpsieNodeRef,
    input: { plan: ProvisioningPlan; tokenId: string; userDataSecret: string; startedAtMs: number },
  ): Promise<void>;
}
