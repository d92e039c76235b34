// NodeGroup: a set of interchangeable VPSie VMs that the autoscaler grows and shrinks between
// minNodes and maxNodes.
import { z } from 'zod';
import { mapOf, setOf, withRule, withRules } from '../schema-extensions';
import {
  Conditions,
  LABEL_VALUE,
  ObjectMeta,
  QUALIFIED_NAME,
  count,
  kubernetesVersion,
  quantity,
  timestamp,
  vpsieId,
} from './common';
import { API_VERSION, GROUP } from './groupversion';
import { nodeBootstrapFields } from './node-bootstrap';
import { ProvisioningPolicy, ScaleDownPolicy, ScaleUpPolicy } from './scaling-policies';
import { VPSieNodePhase } from './vpsienode';

export const MAX_NODES_LIMIT = 1000;
const RESERVED_LABEL_PREFIX = `${GROUP}/`;

const labelValue = z
  .string()
  .max(63)
  .regex(LABEL_VALUE, { message: 'must be a label value: at most 63 of [-A-Za-z0-9_.]' });

const nodeLabels = withRule(
  mapOf(
    {
      pattern: QUALIFIED_NAME,
      maxLength: 316,
      message: 'labels keys must be qualified names: [DNS subdomain prefix/]name',
    },
    labelValue,
    64,
  ),
  {
    rule: `self.all(k, !k.startsWith('${RESERVED_LABEL_PREFIX}'))`,
    message: `labels must not use the ${RESERVED_LABEL_PREFIX} prefix: the autoscaler sets those`,
  },
  (labels) => Object.keys(labels).every((key) => !key.startsWith(RESERVED_LABEL_PREFIX)),
);

export const Taint = z.object({
  key: z
    .string()
    .max(316)
    .regex(QUALIFIED_NAME, { message: 'taint key must be a qualified name' })
    .describe('Taint key, a qualified name.'),
  value: labelValue.optional().describe('Taint value.'),
  effect: z
    .enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'])
    .describe('NoSchedule, PreferNoSchedule or NoExecute.'),
});
export type Taint = z.infer<typeof Taint>;

const specFields = z.object({
  minNodes: z
    .int()
    .min(0)
    .max(MAX_NODES_LIMIT)
    .describe('Fewest nodes the group keeps; never scaled below.'),
  maxNodes: z
    .int()
    .min(1)
    .max(MAX_NODES_LIMIT)
    .describe('Most nodes the group may have; never scaled above.'),
  datacenterID: vpsieId('datacenterID')
    .optional()
    .describe(
      'VPSie datacenter in which VMs are created. Unset: the controller setting scaling.defaultDatacenterId.',
    ),
  offeringIDs: setOf(vpsieId('offeringIDs[]'), { min: 1, max: 32 })
    .optional()
    .describe(
      'VPSie offerings (plans) new VMs may use; scale-up picks the one with the lowest price ' +
        'for the pending pods. Unset: the controller setting scaling.defaultOfferingIds.',
    ),
  preferredInstanceType: vpsieId('preferredInstanceType')
    .optional()
    .describe('Offering to prefer when several fit at the same price; must be one of offeringIDs.'),
  osImageID: vpsieId('osImageID').describe('VPSie OS image of new VMs.'),
  kubernetesVersion: kubernetesVersion.describe(
    'Kubernetes version installed on new nodes, "v" + semantic version (e.g. v1.34.4).',
  ),
  project: vpsieId('project').optional().describe('VPSie project in which VMs are created.'),
  resourceIdentifier: vpsieId('resourceIdentifier')
    .optional()
    .describe('VPSie resource (cluster) identifier VMs are attached to, when there is one.'),
  labels: nodeLabels.optional().describe('Labels put on every Node of the group.'),
  taints: z.array(Taint).max(32).optional().describe('Taints put on every Node of the group.'),
  systemReserved: z
    .object({
      cpu: quantity('systemReserved.cpu').default('0'),
      memory: quantity('systemReserved.memory').default('100Mi'),
    })
    .prefault({})
    .describe(
      'What a new node keeps from pods: scale-up planning assumes a new node offers its ' +
        "offering's CPU and memory less this. Set it to your kubelet's kube-reserved + " +
        "system-reserved + hard eviction threshold; the default is kubeadm's (no reservations, " +
        'eviction at 100Mi free memory).',
    ),
  extendedResources: mapOf(
    {
      pattern: QUALIFIED_NAME,
      maxLength: 316,
      message: 'extendedResources keys must be resource names such as nvidia.com/gpu',
    },
    quantity('extendedResources value'),
    16,
  )
    .optional()
    .describe(
      'Extended resources every node of the group offers, e.g. {"nvidia.com/gpu": "1"}: pods ' +
        'requesting them are planned onto this group. The node must advertise them itself ' +
        '(a device plugin); this only tells scale-up planning what to expect.',
    ),
  scaleUpPolicy: ScaleUpPolicy.prefault({}).describe('When and how the group grows.'),
  scaleDownPolicy: ScaleDownPolicy.prefault({}).describe('When and how the group shrinks.'),
  provisioning: ProvisioningPolicy.prefault({}).describe('Limits on creating a node.'),
  ...nodeBootstrapFields,
  tags: setOf(z.string().min(1).max(64), { max: 32 })
    .optional()
    .describe('Tags put on every VM at VPSie.'),
  notes: z.string().max(1024).optional().describe('Notes put on every VM at VPSie.'),
});

export const NodeGroupSpec = withRules(specFields, [
  {
    rule: 'self.minNodes <= self.maxNodes',
    message: 'minNodes must be less than or equal to maxNodes',
    fieldPath: '.minNodes',
    holds: (spec) => spec.minNodes <= spec.maxNodes,
  },
  {
    rule: '!(has(self.cloudInitTemplate) && has(self.cloudInitTemplateRef))',
    message: 'cloudInitTemplate and cloudInitTemplateRef are mutually exclusive: set at most one',
    fieldPath: '.cloudInitTemplateRef',
    holds: (spec) =>
      spec.cloudInitTemplate === undefined || spec.cloudInitTemplateRef === undefined,
  },
  {
    rule: '!has(self.preferredInstanceType) || (has(self.offeringIDs) && self.preferredInstanceType in self.offeringIDs)',
    message: 'preferredInstanceType must be one of offeringIDs',
    fieldPath: '.preferredInstanceType',
    holds: (spec) =>
      spec.preferredInstanceType === undefined ||
      (spec.offeringIDs ?? []).includes(spec.preferredInstanceType),
  },
]).describe('Desired state of a NodeGroup.');
export type NodeGroupSpec = z.infer<typeof NodeGroupSpec>;
/** What a manifest may contain: the spec before defaults are applied. */
export type NodeGroupSpecInput = z.input<typeof NodeGroupSpec>;

/** Condition types the controller sets on a NodeGroup. */
export const NODE_GROUP_CONDITION_TYPES = [
  'Ready',
  'Scaling',
  'Error',
  'AtMinCapacity',
  'AtMaxCapacity',
] as const;

export const NodeGroupNodeStatus = z.object({
  nodeName: z.string().max(253).describe('Kubernetes Node name (also the VPSieNode name).'),
  vpsID: z.string().max(128).optional().describe('Identifier of the VM at VPSie.'),
  instanceType: z.string().max(128).describe('VPSie offering of the VM.'),
  status: VPSieNodePhase.describe('Phase of the VPSieNode.'),
  createdAt: timestamp.optional().describe('When the VM was requested.'),
  readyAt: timestamp.optional().describe('When the Node became Ready.'),
  ipAddress: z.string().max(64).optional().describe('Primary IP address of the VM.'),
});
export type NodeGroupNodeStatus = z.infer<typeof NodeGroupNodeStatus>;

export const ScaleDownPause = z
  .object({
    paused: z.boolean().describe('Whether scale-down is paused.'),
    reason: z.string().max(1024).optional().describe('Why, as given by whoever paused it.'),
    pausedBy: z.string().max(253).optional().describe('Who or what paused it.'),
    since: timestamp.optional().describe('When it was paused.'),
    expiresAt: timestamp
      .optional()
      .describe('When the pause ends by itself; absent means until resumed.'),
  })
  .describe('Operator pause of scale-down (set through the workflow API, shown here).');
export type ScaleDownPause = z.infer<typeof ScaleDownPause>;

export const Backoff = z
  .object({
    until: timestamp.describe('No scale-up is attempted before this time.'),
    consecutiveFailures: count.describe('Failed scale-ups in a row.'),
    lastFailureReason: z.string().max(1024).optional().describe('Why the last one failed.'),
  })
  .describe('Scale-up backoff after failed node creations.');
export type Backoff = z.infer<typeof Backoff>;

export const NodeGroupStatus = z
  .object({
    observedGeneration: count
      .optional()
      .describe('The .metadata.generation the controller last acted on.'),
    currentNodes: count.optional().describe('Nodes that exist, excluding ones being deleted.'),
    desiredNodes: count.optional().describe('Nodes the autoscaler wants.'),
    readyNodes: count.optional().describe('Nodes that are Ready.'),
    nodes: z.array(NodeGroupNodeStatus).optional().describe('The nodes of the group.'),
    conditions: Conditions.optional().describe(
      `Observations: ${NODE_GROUP_CONDITION_TYPES.join(', ')}.`,
    ),
    lastScaleUpTime: timestamp.optional().describe('When nodes were last added.'),
    lastScaleDownTime: timestamp.optional().describe('When nodes were last removed.'),
    backoff: Backoff.optional(),
    scaleDownPause: ScaleDownPause.optional(),
  })
  .describe('Observed state of a NodeGroup.');
export type NodeGroupStatus = z.infer<typeof NodeGroupStatus>;

export const NodeGroup = z
  .object({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal('NodeGroup'),
    metadata: ObjectMeta,
    spec: NodeGroupSpec,
    status: NodeGroupStatus.optional(),
  })
  .describe('A group of interchangeable VPSie VMs scaled between minNodes and maxNodes.');
export type NodeGroup = z.infer<typeof NodeGroup>;
