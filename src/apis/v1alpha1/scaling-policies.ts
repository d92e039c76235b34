// How a NodeGroup grows and shrinks, and how long a new node may take to become Ready.
// Defaults are the earlier Go autoscaler's for the fields it had, and Cluster Autoscaler's for
// the ones it lacked, so a manifest behaves as its author expects from either.
import { z } from 'zod';
import { withRule } from '../schema-extensions';
import { MaintenanceWindow } from './maintenance-window';

const DAY_SECONDS = 86_400;
const seconds = (max: number) => z.int().min(0).max(max);
const percent = z.int().min(0).max(100);

export const ScaleUpPolicy = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      'Whether the autoscaler may add nodes to this group, for pending pods and to reach minNodes.',
    ),
  priority: z
    .int()
    .min(-1000)
    .max(1000)
    .default(0)
    .describe(
      'Rank of this group for the `priority` expander (scaling.expanders): when several groups ' +
        'could run the pending pods, the highest priority wins.',
    ),
});
export type ScaleUpPolicy = z.infer<typeof ScaleUpPolicy>;

const scaleDownFields = z.object({
  enabled: z.boolean().default(true).describe('Whether the autoscaler may remove nodes.'),
  stabilizationWindowSeconds: seconds(DAY_SECONDS)
    .default(600)
    .describe(
      'Window over which measured CPU and memory usage is averaged when comparing it with ' +
        'cpuThreshold and memoryThreshold.',
    ),
  cpuThreshold: percent
    .default(50)
    .describe('A node is underutilised only while its average CPU usage is below this percentage.'),
  memoryThreshold: percent
    .default(50)
    .describe(
      'A node is underutilised only while its average memory usage is below this percentage.',
    ),
  utilizationSource: z
    .enum(['requests', 'usage'])
    .default('requests')
    .describe(
      'What utilisation samples measure: `requests` (pod requests / allocatable, Cluster ' +
        "Autoscaler's meaning, always available) or `usage` (measured usage from the " +
        'metrics.k8s.io API; falls back to requests for a node the API has no figures for).',
    ),
  utilizationThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe(
      "A node is a scale-down candidate only while its pods' requests divided by its " +
        'allocatable are below this fraction for both CPU and memory (Cluster Autoscaler ' +
        '--scale-down-utilization-threshold).',
    ),
  unneededTimeSeconds: seconds(DAY_SECONDS)
    .default(600)
    .describe(
      'How long a node must stay a scale-down candidate before it is removed (Cluster ' +
        'Autoscaler --scale-down-unneeded-time).',
    ),
  cooldownSeconds: seconds(DAY_SECONDS)
    .default(600)
    .describe('After a scale-up of this group, wait this long before any scale-down.'),
  drainTimeoutSeconds: z
    .int()
    .min(30)
    .max(DAY_SECONDS)
    .default(900)
    .describe(
      'Upper bound on draining one node (evictions plus pod termination). When it expires the ' +
        'drain is abandoned, the node uncordoned and the scale-down counted as failed.',
    ),
  maxTerminationGracePeriodSeconds: seconds(DAY_SECONDS)
    .default(600)
    .describe(
      "Cap on an evicted pod's terminationGracePeriodSeconds during a drain (Cluster " +
        'Autoscaler --max-graceful-termination-sec).',
    ),
  maxConcurrentScaleDowns: z
    .int()
    .min(1)
    .max(100)
    .default(1)
    .describe('How many nodes of this group may be draining or terminating at the same time.'),
  maintenanceWindows: z
    .array(MaintenanceWindow)
    .max(16)
    .optional()
    .describe(
      'When set, scale-down starts only inside one of these windows; when absent, at any time. ' +
        'Scale-up is never restricted.',
    ),
});

export const ScaleDownPolicy = withRule(
  scaleDownFields,
  {
    rule: 'self.maxTerminationGracePeriodSeconds <= self.drainTimeoutSeconds',
    message:
      'maxTerminationGracePeriodSeconds must not exceed drainTimeoutSeconds, or a pod using ' +
      'its full grace period could never finish draining in time',
    fieldPath: '.maxTerminationGracePeriodSeconds',
  },
  (policy) => policy.maxTerminationGracePeriodSeconds <= policy.drainTimeoutSeconds,
);
export type ScaleDownPolicy = z.infer<typeof ScaleDownPolicy>;

export const ProvisioningPolicy = z.object({
  nodeReadyTimeoutSeconds: z
    .int()
    .min(60)
    .max(7200)
    .default(900)
    .describe(
      'From the VPSie create request until the Kubernetes Node is Ready. Past it the VM is ' +
        'deleted and the group backs off (Cluster Autoscaler --max-node-provision-time, 15 min).',
    ),
});
export type ProvisioningPolicy = z.infer<typeof ProvisioningPolicy>;
