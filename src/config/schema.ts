// The one definition of the autoscaler's configuration. Every field has its description and
// default here; env var names, flag names, the reference doc and the help text are all derived
// from this schema (see fields.ts), so adding a field here is the whole job.
// Credentials are deliberately absent: they come only from a Secret, env or a file (credentials.ts).
import { z } from 'zod';
import { DURATION_EXPECTED, durationToSeconds } from './duration';
import { EXPANDER_NAMES } from '../scheduling/types';
import {
  bindAddressesCollide,
  BIND_ADDRESS_EXPECTED,
  DNS_LABEL_EXPECTED,
  DNS_SUBDOMAIN_EXPECTED,
  HOST_PORT_EXPECTED,
  HTTPS_URL_EXPECTED,
  isAllowedApiUrl,
  isBindAddress,
  isDnsLabel,
  isDnsSubdomain,
  isHostPort,
} from './formats';

// Small builders so each field below reads as: name, default, description.
const text = (fallback: string, description: string) =>
  z.string().min(1).default(fallback).describe(description);
const optionalText = (description: string) => z.string().min(1).optional().describe(description);
const flag = (fallback: boolean, description: string) =>
  z.boolean().default(fallback).describe(description);
const seconds = (fallback: number, description: string, min = 0) =>
  z.number().int().min(min).default(fallback).describe(description);
const count = (fallback: number, description: string, min: number, max: number) =>
  z.number().int().min(min).max(max).default(fallback).describe(description);
const list = (description: string) => z.array(z.string().min(1)).default([]).describe(description);
const bindAddress = (fallback: string, description: string) =>
  z.string().refine(isBindAddress, BIND_ADDRESS_EXPECTED).default(fallback).describe(description);
const namespace = (fallback: string, description: string) =>
  z.string().refine(isDnsLabel, DNS_LABEL_EXPECTED).default(fallback).describe(description);
const objectName = (fallback: string, description: string) =>
  z.string().refine(isDnsSubdomain, DNS_SUBDOMAIN_EXPECTED).default(fallback).describe(description);
const filePath = optionalText;

/** Go-syntax duration (or seconds) in, seconds out. The default is written as text, e.g. "30m". */
const duration = (fallback: string, description: string) =>
  z
    .unknown()
    .transform((value, ctx) => {
      const result = durationToSeconds(value);
      if (result === undefined) {
        ctx.addIssue({ code: 'custom', message: DURATION_EXPECTED });
        return z.NEVER;
      }
      return result;
    })
    .meta({ kind: 'duration' })
    .prefault(fallback)
    .describe(description);

// `prefault({})` (not `default`) so a missing section still gets its fields' defaults. Every
// field of a section is optional or defaulted, so `{}` is a valid input; TypeScript cannot see
// that through the generic shape, hence the cast.
const section = <T extends z.ZodRawShape>(description: string, shape: T) =>
  z
    .strictObject(shape)
    .prefault({} as never)
    .describe(description);

export { EXPANDER_NAMES as EXPANDERS } from '../scheduling/types';

const controller = section('The controller process: Kubernetes access and reconcile loop.', {
  kubeconfig: filePath(
    'Path to a kubeconfig file. Unset: in-cluster service-account credentials (or $KUBECONFIG when running outside a cluster).',
  ),
  apiServerEndpoint: z
    .string()
    .refine(isHostPort, HOST_PORT_EXPECTED)
    .optional()
    .describe(
      'host:port of the API server that new nodes join through (kubeadm join). Unset: the API server of the kubeconfig. Set it when that address is not reachable from new VMs, e.g. in-cluster, where it is the `kubernetes` Service ClusterIP. Its certificate must be signed by the cluster CA.',
    ),
  watchNamespace: z
    .string()
    .refine(isDnsLabel, DNS_LABEL_EXPECTED)
    .optional()
    .describe('Namespace whose NodeGroups and VPSieNodes are watched. Unset: all namespaces.'),
  resyncSeconds: seconds(
    300,
    'How often every NodeGroup is reconciled even when nothing changed, as a safety net against missed watch events. 0 turns the periodic resync off.',
  ),
  failedVpsieNodeTtl: duration(
    '30m',
    'How long a VPSieNode in phase Failed is kept for inspection before it is cleaned up.',
  ),
});

const temporal = section(
  'The Temporal service the controller starts workflows on and the worker polls.',
  {
    address: z
      .string()
      .refine(isHostPort, HOST_PORT_EXPECTED)
      .default('127.0.0.1:7233')
      .describe('Temporal frontend address, host:port.'),
    namespace: text('default', 'Temporal namespace the workflows run in.'),
    taskQueue: text(
      'vpsie-autoscaler',
      'Task queue shared by the controller (starts workflows) and the worker (runs them).',
    ),
    tls: section('TLS to the Temporal frontend (Temporal Cloud or a secured cluster).', {
      enabled: flag(false, 'Connect with TLS. With no files set, the system CA bundle is trusted.'),
      certFile: filePath('Client certificate (PEM) for mutual TLS; needs keyFile.'),
      keyFile: filePath('Client private key (PEM) for mutual TLS; needs certFile.'),
      caFile: filePath('CA bundle (PEM) that signed the server certificate. Unset: system CAs.'),
    }),
  },
);

const vpsie = section('The VPSie API. Credentials are not configured here; see "Credentials".', {
  baseUrl: z
    .string()
    .refine(isAllowedApiUrl, HTTPS_URL_EXPECTED)
    .default('https://api.vpsie.com')
    .describe(
      'Base URL of the VPSie API. Must be HTTPS, except loopback hosts (the local simulator). A `url` key in the credentials Secret overrides it.',
    ),
  secretName: objectName(
    'vpsie-secret',
    'Kubernetes Secret holding the API credentials (keys `token`, or `clientId` and `clientSecret`; optional `url`).',
  ),
  secretNamespace: namespace('kube-system', 'Namespace of the credentials Secret.'),
  credentialsFile: filePath(
    'Read credentials from this path instead of the Kubernetes API: a mounted Secret directory (files `token`, `clientId`, `clientSecret`, `url`) or a YAML/JSON file with those keys.',
  ),
  requestTimeoutSeconds: seconds(30, 'Timeout of one HTTP request to the API.', 1),
  rateLimitPerMinute: count(
    100,
    'Most requests per minute we send; further requests wait.',
    1,
    100_000,
  ),
  maxRetries: count(3, 'Retries of a failed idempotent request (transient errors only).', 0, 10),
  circuitBreaker: section('Stops calling the API for a while after repeated failures.', {
    failureThreshold: count(5, 'Consecutive failures that open the circuit.', 1, 1000),
    openSeconds: seconds(30, 'How long the circuit stays open before a trial request.', 1),
  }),
});

const metrics = section('Prometheus metrics endpoint (`/metrics`).', {
  bindAddress: bindAddress(':8080', 'Listen address of the metrics endpoint.'),
});

const health = section('Liveness and readiness probes (`/healthz`, `/readyz`).', {
  bindAddress: bindAddress(':8081', 'Listen address of the health probes.'),
});

const logging = section('Log output (always to stderr).', {
  level: z
    .enum(['debug', 'info', 'warn', 'error'])
    .default('info')
    .describe('Lowest level that is written.'),
  format: z
    .enum(['json', 'text'])
    .default('json')
    .describe('`json`: one JSON object per line, for log collectors. `text`: for humans.'),
});

const leaderElection = section(
  'Only the leader controller replica acts; the others wait to take over.',
  {
    enabled: flag(true, 'Elect a leader through a Lease. Turn off only for a single replica.'),
    leaseName: objectName('vpsie-autoscaler-leader', 'Name of the Lease object.'),
    leaseNamespace: namespace('kube-system', 'Namespace of the Lease object.'),
    leaseDurationSeconds: seconds(
      15,
      'How long a lease is valid; non-leaders wait this long before taking over.',
      1,
    ),
    renewDeadlineSeconds: seconds(
      10,
      'How long the leader keeps trying to renew before it steps down.',
      1,
    ),
    retryPeriodSeconds: seconds(2, 'Interval between attempts to acquire or renew.', 1),
  },
);

const scaling = section(
  "Cluster-wide scaling behaviour. Defaults are Cluster Autoscaler's, so operators get what they already know.",
  {
    scanIntervalSeconds: seconds(
      10,
      'How often pending pods and NodeGroups are planned again when nothing changed (Cluster Autoscaler `scan-interval`). A new pending pod or a changed NodeGroup is planned at once, after the batch window.',
      1,
    ),
    batchIdleSeconds: z
      .number()
      .min(0)
      .max(60)
      .default(1)
      .describe(
        'Pending pods are planned together: a batch closes this long after the last new pending pod (Karpenter `BATCH_IDLE_DURATION`).',
      ),
    batchMaxSeconds: z
      .number()
      .min(0)
      .max(600)
      .default(10)
      .describe(
        'A batch closes at the latest this long after its first pending pod, however many keep coming (Karpenter `BATCH_MAX_DURATION`).',
      ),
    newPodScaleUpDelaySeconds: seconds(
      0,
      'A pending pod causes a scale-up only once it has been unschedulable this long (Cluster Autoscaler `new-pod-scale-up-delay`).',
    ),
    expendablePodsPriorityCutoff: z
      .number()
      .int()
      .default(-10)
      .describe(
        'Pods with a priority below this never cause a scale-up (Cluster Autoscaler `expendable-pods-priority-cutoff`).',
      ),
    defaultDatacenterId: optionalText(
      'VPSie datacenter of new VMs for NodeGroups whose spec.datacenterID is unset.',
    ),
    defaultOfferingIds: list(
      'VPSie offerings (plans) for NodeGroups whose spec.offeringIDs is unset.',
    ),
    expanders: z
      .array(z.enum(EXPANDER_NAMES))
      .min(1)
      .default(['least-waste'])
      .describe(
        'How a scale-up chooses among NodeGroups that could run the pending pods; later entries break ties of earlier ones (Cluster Autoscaler `expander`): least-waste, price, most-pods, least-nodes, priority (NodeGroup scaleUpPolicy.priority), random.',
      ),
    maxNodesTotal: count(
      0,
      'Most nodes all NodeGroups together may have; scale-up stops there (Cluster Autoscaler `max-nodes-total`). 0: no limit.',
      0,
      100_000,
    ),
    coresTotal: count(
      0,
      'Most vCPUs all nodes of the NodeGroups together may have (Cluster Autoscaler `cores-total`, its maximum). 0: no limit.',
      0,
      10_000_000,
    ),
    memoryTotalGib: count(
      0,
      'Most memory, in GiB, all nodes of the NodeGroups together may have (Cluster Autoscaler `memory-total`, its maximum). 0: no limit.',
      0,
      100_000_000,
    ),
    maxNodesPerScaleUp: count(
      1000,
      'Most nodes one scale-up decision may add (Cluster Autoscaler `max-nodes-per-scaleup`).',
      1,
      10_000,
    ),
    offeringCacheSeconds: seconds(
      300,
      'How long the VPSie offering list (CPU, memory, price of each plan) is reused before it is read again.',
      1,
    ),
    scaleDownUtilizationThreshold: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe(
        'A node is a scale-down candidate when requested CPU and memory (the larger of the two) are below this fraction of allocatable.',
      ),
    scaleDownUnneededSeconds: seconds(
      600,
      'How long a node must stay unneeded before it is removed.',
    ),
    scaleDownDelayAfterAddSeconds: seconds(600, 'No scale-down this long after a scale-up.'),
    scaleDownDelayAfterFailureSeconds: seconds(180, 'No scale-down this long after a failed one.'),
    maxNodeProvisionSeconds: seconds(
      900,
      'A new node must register within this time, else its VM is deleted and the NodeGroup backs off.',
      60,
    ),
    maxGracefulTerminationSeconds: seconds(
      600,
      "Longest termination grace period given to a pod evicted by scale-down; a NodeGroup's scaleDownPolicy.maxTerminationGracePeriodSeconds may only lower it.",
    ),
    nodeGroupBackoffInitialSeconds: seconds(
      300,
      'First back-off of a NodeGroup after a failed scale-up; doubles on each further failure.',
      1,
    ),
    nodeGroupBackoffMaxSeconds: seconds(1800, 'Longest back-off of a NodeGroup.', 1),
    nodeGroupBackoffResetSeconds: seconds(
      10800,
      "A NodeGroup's back-off starts again from the initial value after this long without failures.",
      1,
    ),
    maxTotalUnreadyPercentage: z
      .number()
      .min(0)
      .max(100)
      .default(45)
      .describe(
        'Scaling stops while more than this percentage of nodes is unready (and more than okTotalUnreadyCount).',
      ),
    okTotalUnreadyCount: count(
      3,
      'Unready nodes tolerated regardless of the percentage.',
      0,
      100_000,
    ),
    skipNodesWithLocalStorage: flag(
      true,
      'Never scale down a node running pods with local storage (hostPath, non-memory emptyDir) unless they are marked safe to evict.',
    ),
    skipNodesWithSystemPods: flag(
      true,
      'Never scale down a node running kube-system pods that have no PodDisruptionBudget.',
    ),
    utilizationSampleIntervalSeconds: seconds(
      60,
      'How often node utilisation is sampled for scale-down decisions.',
      1,
    ),
    utilizationSampleRetentionSeconds: seconds(
      3600,
      'How long utilisation samples are kept (at least scaleDownUnneededSeconds).',
      1,
    ),
  },
);

const features = section('Switches for whole behaviours.', {
  scaleDownEnabled: flag(
    true,
    'Remove unneeded nodes and nodes above a lowered maxNodes. Off: the autoscaler only adds nodes (explicit deletions of Nodes and VPSieNodes still drain and delete the VM).',
  ),
  metricsServerUtilization: flag(
    false,
    'Judge node utilisation by metrics-server usage instead of pod requests (Cluster Autoscaler uses requests).',
  ),
});

/**
 * Rules between fields. Messages are whole sentences (they name both fields). zod runs them only
 * once every field is valid on its own, so they never judge a value already reported as wrong.
 */
function crossFieldRules(config: z.output<typeof shape>, ctx: z.RefinementCtx): void {
  const rule = (path: string[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message, params: { rule: true } });
  const { tls } = config.temporal;
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    rule(
      ['temporal', 'tls', tls.certFile ? 'keyFile' : 'certFile'],
      'temporal.tls.certFile and temporal.tls.keyFile must be set together',
    );
  }
  if (!tls.enabled && (tls.certFile || tls.keyFile || tls.caFile)) {
    rule(
      ['temporal', 'tls', 'enabled'],
      'temporal.tls files are set but temporal.tls.enabled is false; enable TLS or remove the files',
    );
  }
  if (bindAddressesCollide(config.metrics.bindAddress, config.health.bindAddress)) {
    rule(
      ['health', 'bindAddress'],
      `metrics.bindAddress and health.bindAddress (${config.metrics.bindAddress}, ${config.health.bindAddress}) use the same port; give them different ports`,
    );
  }
  const le = config.leaderElection;
  if (!(
    le.leaseDurationSeconds > le.renewDeadlineSeconds &&
    le.renewDeadlineSeconds > le.retryPeriodSeconds
  )) {
    rule(
      ['leaderElection', 'renewDeadlineSeconds'],
      'leaderElection needs leaseDurationSeconds > renewDeadlineSeconds > retryPeriodSeconds',
    );
  }
  const s = config.scaling;
  if (s.nodeGroupBackoffInitialSeconds > s.nodeGroupBackoffMaxSeconds) {
    rule(
      ['scaling', 'nodeGroupBackoffInitialSeconds'],
      'scaling.nodeGroupBackoffInitialSeconds must not exceed scaling.nodeGroupBackoffMaxSeconds',
    );
  }
  if (s.batchIdleSeconds > s.batchMaxSeconds) {
    rule(
      ['scaling', 'batchIdleSeconds'],
      'scaling.batchIdleSeconds must not exceed scaling.batchMaxSeconds',
    );
  }
  if (s.utilizationSampleRetentionSeconds < s.scaleDownUnneededSeconds) {
    rule(
      ['scaling', 'utilizationSampleRetentionSeconds'],
      'scaling.utilizationSampleRetentionSeconds must cover scaling.scaleDownUnneededSeconds, or there are never enough samples to decide a scale-down',
    );
  }
  if (s.utilizationSampleIntervalSeconds > s.scaleDownUnneededSeconds) {
    rule(
      ['scaling', 'utilizationSampleIntervalSeconds'],
      'scaling.utilizationSampleIntervalSeconds must not exceed scaling.scaleDownUnneededSeconds',
    );
  }
}

const shape = z.strictObject({
  controller,
  temporal,
  vpsie,
  metrics,
  health,
  logging,
  leaderElection,
  scaling,
  features,
  defaultSshKeyIds: list('VPSie SSH key ids installed on nodes of NodeGroups that name none.'),
});

export const ConfigSchema = shape.superRefine(crossFieldRules);

/** The resolved configuration: every field present, durations in seconds. */
export type Config = z.output<typeof ConfigSchema>;
/** What the sources may supply: any subset of fields. */
export type ConfigInput = z.input<typeof ConfigSchema>;
