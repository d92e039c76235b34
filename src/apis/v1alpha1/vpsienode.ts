// VPSieNode: one per VM the autoscaler creates, from the create request until the VM is gone.
// It is the durable record that ties a VPSie VM to its Kubernetes Node and to the Temporal
// workflow operating on it, so that nothing is orphaned when the controller restarts.
import { z } from 'zod';
import { immutable, setOf, withTransitionRule } from '../schema-extensions';
import {
  CONDITION_REASON,
  Conditions,
  ObjectMeta,
  count,
  dns1123Label,
  dns1123Subdomain,
  kubernetesVersion,
  timestamp,
  vpsieId,
} from './common';
import { API_VERSION } from './groupversion';
import { MAX_SSH_KEY_IDS } from './node-bootstrap';

/** Lifecycle: Pending -> Provisioning -> Provisioned -> Joining -> Ready -> Terminating ->
 * Deleting, or Failed from any phase before Ready. */
export const VPSIE_NODE_PHASES = [
  'Pending',
  'Provisioning',
  'Provisioned',
  'Joining',
  'Ready',
  'Terminating',
  'Deleting',
  'Failed',
] as const;
export const VPSieNodePhase = z.enum(VPSIE_NODE_PHASES);
export type VPSieNodePhase = z.infer<typeof VPSieNodePhase>;

/** Condition types the controller sets on a VPSieNode. */
export const VPSIE_NODE_CONDITION_TYPES = ['VPSReady', 'NodeJoined', 'NodeReady', 'Error'] as const;

export const SCALE_UP_TRIGGERS = ['UnschedulablePods', 'BelowMinNodes'] as const;
export const MAX_REASON_PODS = 20;

export const ScaleUpReason = z.object({
  trigger: z
    .enum(SCALE_UP_TRIGGERS)
    .describe(
      'UnschedulablePods: pending pods fit no node; BelowMinNodes: the group had fewer than minNodes.',
    ),
  summary: z
    .string()
    .max(1024)
    .describe('The decision in one sentence: the pods, the offering and how the group was chosen.'),
  pods: z
    .array(z.string().max(317))
    .max(MAX_REASON_PODS)
    .optional()
    .describe(
      `namespace/name of pending pods planned onto this node (the first ${MAX_REASON_PODS}).`,
    ),
  podCount: count.optional().describe('How many pending pods were planned onto this node.'),
  decidedAt: timestamp.describe('When the scale-up was decided.'),
});
export type ScaleUpReason = z.infer<typeof ScaleUpReason>;

const specFields = z.object({
  nodeGroupName: immutable(dns1123Subdomain('nodeGroupName'), 'nodeGroupName').describe(
    'The NodeGroup (same namespace) this node belongs to.',
  ),
  datacenterID: immutable(vpsieId('datacenterID'), 'datacenterID').describe(
    'VPSie datacenter of the VM.',
  ),
  instanceType: immutable(vpsieId('instanceType'), 'instanceType').describe(
    "VPSie offering (plan) the VM is created from: one of the NodeGroup's offeringIDs.",
  ),
  osImageID: vpsieId('osImageID').optional().describe('VPSie OS image of the VM.'),
  kubernetesVersion: kubernetesVersion
    .optional()
    .describe('Kubernetes version installed on the node, "v" + semantic version.'),
  project: vpsieId('project').optional().describe('VPSie project the VM is created in.'),
  resourceIdentifier: vpsieId('resourceIdentifier')
    .optional()
    .describe('VPSie resource (cluster) identifier, when the VM belongs to one.'),
  nodeName: dns1123Label('nodeName')
    .optional()
    .describe(
      'Name of the Kubernetes Node and hostname of the VM. The VM is looked up by this ' +
        'hostname before it is created, so a retried create never makes a second VM.',
    ),
  vpsID: vpsieId('vpsID')
    .optional()
    .describe('Identifier of the VM at VPSie, set once the VM exists; never changed after.'),
  ipAddress: z.ipv4().optional().describe('Public IPv4 address of the VM.'),
  ipv6Address: z.ipv6().optional().describe('Public IPv6 address of the VM.'),
  privateIpAddress: z.ipv4().optional().describe('Private IPv4 address of the VM.'),
  sshKeyIds: setOf(vpsieId('sshKeyIds[]'), { max: MAX_SSH_KEY_IDS })
    .optional()
    .describe('Identifiers of the VPSie account SSH keys installed on the VM.'),
  createdFor: immutable(ScaleUpReason, 'createdFor')
    .optional()
    .describe(
      'Why the autoscaler created this node (absent on VPSieNodes created by hand). Copied ' +
        "into its provisioning workflow's memo, so the Web UI answers why the node exists.",
    ),
});

export const VPSieNodeSpec = withTransitionRule(specFields, {
  rule: '!has(oldSelf.vpsID) || (has(self.vpsID) && self.vpsID == oldSelf.vpsID)',
  message: 'vpsID cannot be changed or removed once set',
  fieldPath: '.vpsID',
}).describe('What VM this is and where it belongs.');
export type VPSieNodeSpec = z.infer<typeof VPSieNodeSpec>;

const time = (what: string) => timestamp.optional().describe(what);

export const VPSieNodeStatus = z
  .object({
    phase: VPSieNodePhase.describe(
      'Lifecycle phase: Pending, Provisioning, Provisioned, Joining, Ready, Terminating, ' +
        'Deleting, or Failed.',
    ),
    nodeName: z.string().max(253).optional().describe('Name of the Node once it has joined.'),
    hostname: z.string().max(253).optional().describe('Hostname VPSie reports for the VM.'),
    vpsieStatus: z
      .string()
      .max(64)
      .optional()
      .describe('VM state as VPSie reports it (running, stopped, ...).'),
    createdAt: time('When the VM create request was accepted.'),
    provisionedAt: time('When the VM was reported running.'),
    joinedAt: time('When the Node registered with the API server.'),
    readyAt: time('When the Node became Ready.'),
    terminatingAt: time('When removal started (cordon and drain).'),
    deletedAt: time('When the VM was deleted at VPSie.'),
    failedAt: time('When the node entered Failed; Failed nodes are cleaned up after a TTL.'),
    conditions: Conditions.optional().describe(
      `Observations: ${VPSIE_NODE_CONDITION_TYPES.join(', ')}.`,
    ),
    lastError: z.string().max(4096).optional().describe('The last error met operating this node.'),
    failureReason: z
      .string()
      .max(128)
      .regex(CONDITION_REASON)
      .optional()
      .describe('CamelCase cause of Failed, e.g. ProvisioningTimeout, JoinTimeout, QuotaExceeded.'),
    workflowId: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe('Id of the Temporal workflow currently operating on this node.'),
    observedGeneration: count
      .optional()
      .describe('The .metadata.generation the controller last acted on.'),
  })
  .describe('What the controller observed and did.');
export type VPSieNodeStatus = z.infer<typeof VPSieNodeStatus>;

export const VPSieNode = z
  .object({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal('VPSieNode'),
    metadata: ObjectMeta,
    spec: VPSieNodeSpec,
    status: VPSieNodeStatus.optional(),
  })
  .describe(
    'One VPSie VM managed by the autoscaler, from its create request until it is deleted, ' +
      'linking the VM, its Kubernetes Node and the workflow operating on it.',
  );
export type VPSieNode = z.infer<typeof VPSieNode>;
