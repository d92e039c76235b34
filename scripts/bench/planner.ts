// Benchmark: the scale-up planner (src/scheduling/planner.ts) on a large synthetic cluster.
//
//   npx tsx --expose-gc scripts/bench/planner.ts [--pending 1000,5000] [--runs 20] [--warmup 5] [--decisions] [--spread]
//
// The cluster: 1,000 Ready nodes of 10 NodeGroups (8 vCPU / 16 GiB, mostly full), 30,000 bound
// pods of 300 Deployments in 10 namespaces (some with hostname anti-affinity), 3 DaemonSets (one
// binding a host port, one only on GPU nodes), 10 NodeGroups × 3 offerings with labels, zones,
// and two tainted GPU groups. Pending: a batch of N pods from 50 Deployments mixing plain pods,
// nodeSelectors (disktype, pool), hostname anti-affinity (one per node), GPU tolerations and GPU
// requests. See docs/performance/scale-up-planner.md for the results.
//
// Two measurements per size:
//  - warm: the same pod objects every run, as the controller's informer cache hands them over
//    between passes (per-object caches of requests and signatures are reused);
//  - cold: fresh copies of every pod each run (nothing cached per object), the first pass after
//    a restart or a cache resync.
// Decision time is wall time of planScaleUp only, without forced collections. Heap, in separate
// runs: gc() before each, heapUsed sampled right after it (everything the run allocated and still
// held, live or not yet collected: an upper estimate of its peak), the bytes allocated during the
// run (GC profiler, scripts/bench/heap-measure.ts), and what is still held after all runs.
//
//   --decisions prints the plan's decision lines; --spread adds zone topology spread to some
//   pending Deployments.

import os from 'node:os';
import { parseArgs } from 'node:util';
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { planScaleUp } from '../../src/scheduling/planner';
import type { GroupView, OfferingInfo, PlannerInput } from '../../src/scheduling/types';
import { countAllocations, requireGc } from './heap-measure';

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const NOW = Date.UTC(2025, 5, 4, 12);

/** Deterministic pseudo-random numbers (mulberry32), so every run plans the same input. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GROUPS = 10;
const NODES = 1000;
const BOUND_PODS = 30_000;
const BOUND_DEPLOYMENTS = 300;
const PENDING_DEPLOYMENTS = 50;

function groupLabels(i: number): Record<string, string> {
  return {
    'autoscaler.vpsie.com/nodegroup': `pool-${i}`,
    pool: `pool-${i}`,
    disktype: i % 2 === 0 ? 'ssd' : 'hdd',
    [ZONE]: `zone-${i % 3}`,
    ...(i >= 8 ? { accelerator: 'gpu' } : {}),
  };
}

function offerings(i: number): OfferingInfo[] {
  // Prices differ a little per group, so the price expander has something to choose.
  const factor = 1 + (i % 5) * 0.02;
  return [
    [4, 8],
    [8, 16],
    [16, 32],
  ].map(([cpu, ram]) => ({
    id: `g${i}-${cpu}c${ram}g`,
    name: `Standard ${cpu} vCPU / ${ram} GB`,
    cpu: cpu!,
    ramMb: ram! * 1024,
    diskGb: 80,
    priceMonthly: Math.round(cpu! * 12 * factor * 100) / 100,
  }));
}

function groups(): GroupView[] {
  return Array.from({ length: GROUPS }, (_, i) => ({
    namespace: 'autoscaler',
    name: `pool-${i}`,
    offerings: offerings(i),
    unknownOfferings: [],
    labels: groupLabels(i),
    taints: i >= 8 ? [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] : [],
    systemReserved: { cpu: 100, memory: 256 * MIB },
    extendedResources: (i === 9 ? { 'nvidia.com/gpu': 2 } : {}) as Record<string, number>,
    priority: i % 4,
    minNodes: 1,
    maxNodes: 500,
    currentNodes: NODES / GROUPS,
    scaleUpEnabled: true,
  }));
}

function nodes(): V1Node[] {
  return Array.from({ length: NODES }, (_, n) => {
    const g = n % GROUPS;
    const name = `node-${String(n).padStart(4, '0')}`;
    return {
      metadata: { name, labels: { ...groupLabels(g), [HOSTNAME]: name } },
      spec: { taints: g >= 8 ? [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] : [] },
      status: {
        allocatable: {
          cpu: '7900m',
          memory: `${16 * 1024 - 256}Mi`,
          pods: '110',
          'ephemeral-storage': '75Gi',
          ...(g === 9 ? { 'nvidia.com/gpu': '2' } : {}),
        },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    };
  });
}

const GPU_TOLERATION = { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' };

function hostnameAntiAffinity(app: string) {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { app } }, topologyKey: HOSTNAME },
      ],
    },
  };
}

function podOf(
  name: string,
  namespace: string,
  app: string,
  cpu: string,
  memory: string,
  extra: Partial<NonNullable<V1Pod['spec']>> = {},
  nodeName?: string,
  extraRequests: Record<string, string> = {},
): V1Pod {
  return {
    metadata: {
      name,
      namespace,
      labels: { app, 'pod-template-hash': `${app}-5d8f7` },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${app}-5d8f7`,
          uid: `${app}-uid`,
          controller: true,
        },
      ],
    },
    spec: {
      nodeName,
      containers: [
        { name: 'main', image: app, resources: { requests: { cpu, memory, ...extraRequests } } },
      ],
      ...extra,
    },
    status: {
      phase: nodeName ? 'Running' : 'Pending',
      conditions: nodeName
        ? []
        : [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
    },
  };
}

/** A DaemonSet's pod on `node`. */
function daemonPod(ds: V1DaemonSet, node: string): V1Pod {
  const name = ds.metadata!.name!;
  return {
    metadata: {
      name: `${name}-${node}`,
      namespace: 'kube-system',
      labels: { app: name },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: `${name}-uid`, controller: true },
      ],
    },
    spec: { ...ds.spec!.template.spec!, nodeName: node },
    status: { phase: 'Running' },
  };
}

/**
 * 30 pods per node on average, DaemonSet pods included: the DaemonSets' pods (2, or 3 on GPU
 * nodes) and ~250m / 500Mi application pods up to about 95% of the node; every 20th node has
 * room for more.
 */
function boundPods(nodeList: readonly V1Node[], sets: readonly V1DaemonSet[]): V1Pod[] {
  const pods: V1Pod[] = [];
  const random = rng(7);
  for (let n = 0; n < nodeList.length; n++) {
    const node = nodeList[n]!.metadata!.name!;
    const gpu = n % GROUPS >= 8;
    const daemons = sets.filter((ds) => gpu || !ds.spec!.template.spec!.nodeSelector);
    for (const ds of daemons) pods.push(daemonPod(ds, node));
    const count = (n % 20 === 0 ? 18 : BOUND_PODS / NODES) - daemons.length;
    for (let k = 0; k < count; k++) {
      const d = Math.floor(random() * BOUND_DEPLOYMENTS);
      const app = `svc-${d}`;
      const extra = {
        ...(d % 10 === 0 ? { affinity: hostnameAntiAffinity(app) } : {}),
        ...(gpu ? { tolerations: [GPU_TOLERATION] } : {}),
      };
      pods.push(podOf(`${app}-${n}-${k}`, `ns-${d % 10}`, app, '250m', '500Mi', extra, node));
    }
  }
  return pods;
}

function daemonSets(): V1DaemonSet[] {
  const ds = (
    name: string,
    cpu: string,
    memory: string,
    spec: Partial<NonNullable<V1Pod['spec']>> = {},
  ) => ({
    metadata: { name, namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name, image: name, resources: { requests: { cpu, memory } } }],
          ...spec,
        },
      },
    },
  });
  const exporter = ds('node-exporter', '100m', '128Mi', { tolerations: [{ operator: 'Exists' }] });
  exporter.spec.template.spec.containers[0]!.ports = [
    { containerPort: 9100, hostPort: 9100 },
  ] as never;
  return [
    exporter,
    ds('kube-proxy', '100m', '64Mi', { tolerations: [{ operator: 'Exists' }] }),
    ds('gpu-plugin', '50m', '64Mi', {
      nodeSelector: { accelerator: 'gpu' },
      tolerations: [GPU_TOLERATION],
    }),
  ];
}

const CPUS = ['250m', '500m', '1', '2'];
const MEMS = ['512Mi', '1Gi', '2Gi', '4Gi'];

/**
 * The mix: plain, disktype=ssd, pool=<k>, hostname anti-affinity, GPU tolerating, GPU using.
 * With `spread`, one plain Deployment of every ten also spreads over zones (DoNotSchedule,
 * maxSkew 1), which turns off most of the planner's shortcuts for it.
 */
function pendingPods(count: number, spread: boolean): V1Pod[] {
  const pods: V1Pod[] = [];
  const perDeployment = Math.ceil(count / PENDING_DEPLOYMENTS);
  for (let d = 0; d < PENDING_DEPLOYMENTS && pods.length < count; d++) {
    const app = `batch-${d}`;
    const namespace = `ns-${d % 10}`;
    const cpu = CPUS[d % CPUS.length]!;
    const memory = MEMS[(d >> 2) % MEMS.length]!;
    const kind = d % 20;
    let extra: Partial<NonNullable<V1Pod['spec']>> = {};
    let extraRequests: Record<string, string> = {};
    let replicas = perDeployment;
    if (kind < 8) {
      if (spread && d % 10 === 0) {
        extra = {
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: ZONE,
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { app } },
            },
          ],
        };
      }
    } else if (kind < 12) {
      extra = { nodeSelector: { disktype: 'ssd' } };
    } else if (kind < 15) {
      extra = { nodeSelector: { pool: `pool-${d % 8}` } };
    } else if (kind < 17) {
      extra = { affinity: hostnameAntiAffinity(app) };
      // One node each: keep these Deployments at a realistic size.
      replicas = Math.min(perDeployment, 40);
    } else if (kind < 19) {
      extra = { nodeSelector: { accelerator: 'gpu' }, tolerations: [GPU_TOLERATION] };
    } else {
      extra = { tolerations: [GPU_TOLERATION] };
      extraRequests = { 'nvidia.com/gpu': '1' };
      replicas = Math.min(perDeployment, 60);
    }
    for (let r = 0; r < replicas && pods.length < count; r++) {
      pods.push(podOf(`${app}-${r}`, namespace, app, cpu, memory, extra, undefined, extraRequests));
    }
  }
  // Top up with plain pods when the capped Deployments left the batch short.
  for (let r = 0; pods.length < count; r++) {
    pods.push(podOf(`filler-${r}`, 'ns-0', 'filler', '500m', '1Gi'));
  }
  return pods;
}

function baseInput(pending: number, spread = false): PlannerInput {
  const nodeList = nodes();
  const sets = daemonSets();
  const bound = boundPods(nodeList, sets);
  return {
    pendingPods: pendingPods(pending, spread),
    nodes: nodeList,
    boundPods: bound,
    inFlight: [],
    daemonSets: sets,
    groups: groups(),
    currentTotals: { nodes: NODES, cores: NODES * 8, memoryBytes: NODES * 16 * GIB },
    limits: { maxNodesTotal: 0, coresTotal: 0, memoryTotalBytes: 0, maxNodesPerScaleUp: 1000 },
    expanders: ['least-waste', 'price'],
    nowMs: NOW,
    random: rng(1),
  };
}

function parse(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Mi|Gi)?$/.exec(quantity)!;
  const value = Number(m[1]);
  return m[2] === 'm'
    ? value / 1000
    : m[2] === 'Mi'
      ? value * MIB
      : m[2] === 'Gi'
        ? value * GIB
        : value;
}

/**
 * Nodes the pending pods need at the very least: their summed cpu and memory requests divided
 * by the largest offering's allocatable (after system reserve), per resource, the larger of the
 * two, rounded up. It ignores every constraint (selectors, taints, anti-affinity, GPUs).
 */
function lowerBound(input: PlannerInput): number {
  let cpu = 0;
  let memory = 0;
  for (const pod of input.pendingPods) {
    const r = pod.spec!.containers[0]!.resources!.requests!;
    cpu += parse(r.cpu!);
    memory += parse(r.memory!);
  }
  let bestCpu = 0;
  let bestMemory = 0;
  for (const g of input.groups) {
    for (const o of g.offerings) {
      bestCpu = Math.max(bestCpu, o.cpu - (g.systemReserved.cpu ?? 0) / 1000);
      bestMemory = Math.max(bestMemory, o.ramMb * MIB - (g.systemReserved.memory ?? 0));
    }
  }
  return Math.max(Math.ceil(cpu / bestCpu), Math.ceil(memory / bestMemory));
}

/**
 * How full the new nodes would be: the cpu and memory requests of the pods the plan put on
 * them over the new nodes' offering capacity (what the lower bound's node count ignores: the
 * plan may choose smaller offerings).
 */
function fill(input: PlannerInput, plan: ReturnType<typeof planScaleUp>): string {
  const offerings = new Map(input.groups.flatMap((g) => g.offerings.map((o) => [o.id, o])));
  const pods = new Map(
    input.pendingPods.map((p) => [`${p.metadata!.namespace}/${p.metadata!.name}`, p]),
  );
  let cpuOffered = 0;
  let memoryOffered = 0;
  let cpuRequested = 0;
  let memoryRequested = 0;
  for (const node of plan.newNodes) {
    if (node.reason.kind !== 'unschedulable_pods') continue;
    const offering = offerings.get(node.offeringId)!;
    cpuOffered += offering.cpu;
    memoryOffered += offering.ramMb * MIB;
    for (const key of node.reason.pods) {
      const r = pods.get(key)!.spec!.containers[0]!.resources!.requests!;
      cpuRequested += parse(r.cpu!);
      memoryRequested += parse(r.memory!);
    }
  }
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`;
  return `requests fill ${pct(cpuRequested, cpuOffered)} of their vCPUs (${cpuOffered}) and ${pct(memoryRequested, memoryOffered)} of their memory`;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

interface Timing {
  p50: number;
  p99: number;
  max: number;
}

interface Heap {
  /** heapUsed after gc() before a run: the input and the module caches. */
  baselineMb: number;
  /** heapUsed sampled right after a run (gc() before it), the largest of the runs. */
  peakMb: number;
  /** Bytes allocated during a run (GC profiler), the largest of the runs. */
  allocatedMb: number;
  /** heapUsed after gc() once all runs are done, minus the baseline: what plans leave behind. */
  retainedMb: number;
}

/** The input a run gets: the same objects (warm) or fresh copies of them (cold). */
function runInput(input: PlannerInput, fresh: boolean): PlannerInput {
  if (!fresh) return { ...input, random: rng(1) };
  return {
    ...input,
    pendingPods: structuredClone(input.pendingPods),
    boundPods: structuredClone(input.boundPods),
    nodes: structuredClone(input.nodes),
    daemonSets: structuredClone(input.daemonSets),
    random: rng(1),
  };
}

/**
 * Decision time: no forced collection around the runs, as in the controller (a gc() right
 * before a run leaves sweeping to do during it, which is not what a running process sees).
 */
function time(input: PlannerInput, runs: number, warmup: number, fresh: boolean): Timing {
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const arg = runInput(input, fresh);
    const started = process.hrtime.bigint();
    planScaleUp(arg);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (i >= warmup) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)! };
}

/** The measured runs of heap(), in a frame of their own so no run's input outlives it. */
function heapRuns(input: PlannerInput, runs: number, fresh: boolean, gc: () => void) {
  let peak = 0;
  let allocated = 0;
  for (let i = 0; i < runs; i++) {
    const arg = runInput(input, fresh);
    gc();
    const stop = countAllocations();
    planScaleUp(arg);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    allocated = Math.max(allocated, stop().allocatedBytes);
  }
  return { peak, allocated };
}

function heap(input: PlannerInput, runs: number, fresh: boolean): Heap {
  const gc = requireGc();
  // One run first, so code compiled for this mode is not counted as retained by the plans.
  heapRuns(input, 1, fresh, gc);
  gc();
  gc();
  const baseline = process.memoryUsage().heapUsed;
  const { peak, allocated } = heapRuns(input, runs, fresh, gc);
  // Two collections: entries of the planner's per-object WeakMap caches whose pods are gone are
  // only cleared by the second.
  gc();
  gc();
  const retained = process.memoryUsage().heapUsed - baseline;
  return {
    baselineMb: baseline / MIB,
    peakMb: peak / MIB,
    allocatedMb: allocated / MIB,
    retainedMb: retained / MIB,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      pending: { type: 'string', default: '1000,5000' },
      runs: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      decisions: { type: 'boolean', default: false },
      spread: { type: 'boolean', default: false },
    },
  });
  const sizes = values.pending.split(',').map(Number);
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${runs} runs after ${warmup} warm-up, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `cluster: ${NODES} nodes, ${BOUND_PODS} bound pods, ${GROUPS} NodeGroups × 3 offerings, 3 DaemonSets`,
  );
  for (const size of sizes) {
    const input = baseInput(size, values.spread);
    const firstStart = process.hrtime.bigint();
    const plan = planScaleUp({ ...input, random: rng(1) });
    const firstMs = Number(process.hrtime.bigint() - firstStart) / 1e6;
    const byGroup = new Map<string, number>();
    for (const n of plan.newNodes) {
      byGroup.set(n.group.name, (byGroup.get(n.group.name) ?? 0) + 1);
    }
    const warm = time(input, runs, warmup, false);
    const cold = time(input, runs, warmup, true);
    const warmHeap = heap(input, 5, false);
    const coldHeap = heap(input, 5, true);
    const bound = lowerBound(input);
    const asked = plan.newNodes.filter((n) => n.reason.kind === 'unschedulable_pods').length;
    console.log(`\npending ${size}:`);
    console.log(
      `  plan: ${plan.newNodes.length} new nodes (${asked} for pods) [${[...byGroup].map(([g, n]) => `${g}:${n}`).join(' ')}], ` +
        `${plan.fitsExisting.size} fit existing, ${plan.unschedulable.length} unschedulable, ${plan.heldBack.length} held back`,
    );
    console.log(
      `  nodes for pods: ${asked}, lower bound ${bound} (ratio ${(asked / bound).toFixed(2)}); ${fill(input, plan)}`,
    );
    console.log(`  first call (cold JIT, cold caches): ${firstMs.toFixed(1)} ms`);
    for (const [name, t, h] of [
      ['warm', warm, warmHeap],
      ['cold', cold, coldHeap],
    ] as const) {
      console.log(
        `  ${name}: p50 ${t.p50.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms, max ${t.max.toFixed(1)} ms; ` +
          `heapUsed baseline ${h.baselineMb.toFixed(0)} MiB, peak ${h.peakMb.toFixed(0)} MiB ` +
          `(+${(h.peakMb - h.baselineMb).toFixed(0)}), allocated/run ${h.allocatedMb.toFixed(0)} MiB, ` +
          `retained after ${h.retainedMb.toFixed(1)} MiB`,
      );
    }
    if (values.decisions) for (const line of plan.decisions) console.log(`  | ${line}`);
  }
  console.log(
    `\nload average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main();
