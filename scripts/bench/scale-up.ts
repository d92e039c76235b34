// Benchmark: scale-up latency, from a pending pod to the VM create request at VPSie, through the
// real system: the compiled controller (`node dist/controller/main.js`) and worker
// (`node dist/worker/main.js`) as separate processes configured only by VPSIE_AUTOSCALER_*
// variables, a Temporal dev server, a real control plane (kube-scheduler marks the pod
// unschedulable; kwok runs pods) and the VPSie simulator in this process (its VMs join the
// cluster). Everything listens on 127.0.0.1 only.
//
//   npm run bench:scale-up -- [--count 100] [--warmup 3] [--gap-ms 1000] [--skip-build]
//
// One pod at a time: each asks 1500m CPU of a NodeGroup whose only offering has 2 vCPU, so no
// node, existing or arriving, can take a second one and every pod needs its own new node. The
// next pod is created only after the previous one's VM create request arrived (plus a gap), so
// every pod is its own batch and its own scale-up. Per pod it records, on this machine's clock:
//   created     just before the pod create call is sent
//   pending     this process's watch first shows PodScheduled=False/Unschedulable
//   vpsienode   this process's watch shows the new VPSieNode (ADDED)
//   vm          the simulator's state creates the VM (SimulatorState.onVmCreated, i.e. the
//               create request has arrived and been validated)
// The controller's batch window (scaling.batchIdleSeconds, default 1 s) lies in pending ->
// vpsienode. Results and method: docs/performance/scale-up-latency.md.
import * as k8s from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_VERSION, GROUP, VERSION } from '../../src/apis/v1alpha1';
import { DEFAULT_SIMULATOR_TOKEN, startVpsieSimulator } from '../../src/simulator';
import {
  SIM_DATACENTERS,
  SIM_OS_IMAGES,
  SIM_PLANS,
  SIM_SSH_KEYS,
} from '../../src/simulator/catalogue';
import { LOCAL_DIR, REPO_ROOT, components } from '../dev/lib/components';
import { startCluster, stopCluster } from '../dev/lib/local-cluster';
import { installCrds } from '../dev/lib/manifests';
import {
  freePort,
  isRunning,
  logTail,
  sleep,
  startService,
  stopService,
  waitUntil,
} from '../dev/lib/processes';
import { startTemporal, stopTemporal } from '../dev/lib/temporal-dev-server';
import { provisionWorkflowId } from '../../src/workflows/provision-node';

const NAME = 'bench-scale-up';
const NAMESPACE = 'bench';
const GROUP_NAME = 'bench';
const TASK_QUEUE = 'bench-scale-up';
const LABEL = 'bench.vpsie.com/run';
const DIR = join(LOCAL_DIR, NAME);
/** Per scale-up: longer than this and the pod counts as failed (and the run stops). */
const PER_POD_TIMEOUT_MS = 30_000;

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '3' },
    // One scale-up costs the worker 6 VPSie requests (getSshKey, listVms, createVm, listVms,
    // getVm x2); the client allows 100 a minute (burst 10). ~4.5 s per scale-up stays under it.
    'gap-ms': { type: 'string', default: '3000' },
    'max-minutes': { type: 'string', default: '15' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const COUNT = bounded('count', 1, 500);
const WARMUP = bounded('warmup', 0, 20);
const GAP_MS = bounded('gap-ms', 0, 10_000);
const DEADLINE = Date.now() + bounded('max-minutes', 1, 60) * 60_000;

function bounded(name: keyof typeof args, min: number, max: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

interface Sample {
  pod: string;
  created: number;
  pending?: number;
  vpsienode?: number;
  vm?: number;
  vpsieNodeName?: string;
}

const stops: (() => Promise<unknown>)[] = [];

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  if (!args['skip-build']) {
    console.log('npm run build (the controller and worker run from dist/)');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  for (const component of ['controller', 'worker']) {
    const main = join(REPO_ROOT, 'dist', component, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\``);
  }

  console.log('starting a Temporal dev server and a control plane (kwok) on 127.0.0.1');
  stops.push(() => stopTemporal(NAME));
  const temporal = await startTemporal(NAME, 'default', { fresh: true });
  stops.push(() => stopCluster(NAME));
  const cluster = await startCluster(NAME);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  await installCrds(kc, join(REPO_ROOT, 'crds'));

  const sim = await startVpsieSimulator({ cluster: { kubeconfigPath: cluster.kubeconfig } });
  stops.push(() => sim.close());
  const vms: { hostname: string; at: number }[] = [];
  sim.state.onVmCreated((vm) => vms.push({ hostname: vm.hostname, at: Date.now() }));

  const settings: Record<string, string> = {
    VPSIE_AUTOSCALER_TEMPORAL_ADDRESS: temporal.address,
    VPSIE_AUTOSCALER_TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    VPSIE_AUTOSCALER_CONTROLLER_KUBECONFIG: cluster.kubeconfig,
    VPSIE_AUTOSCALER_VPSIE_BASE_URL: sim.url,
    VPSIE_AUTOSCALER_VPSIE_TOKEN: DEFAULT_SIMULATOR_TOKEN,
    VPSIE_AUTOSCALER_DEFAULT_SSH_KEY_IDS: SIM_SSH_KEYS.ops,
    VPSIE_AUTOSCALER_LOGGING_FORMAT: 'text',
    // Everything else is the default an operator gets: batch window 1 s idle / 10 s max.
  };
  const worker = await startComponent('worker', settings);
  const controller = await startComponent('controller', settings);

  const connection = await Connection.connect({ address: temporal.address });
  stops.push(() => connection.close());
  const client = new Client({ connection, namespace: 'default' });
  await waitUntil(
    'the worker polling',
    90_000,
    async () => {
      const queue = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: TASK_QUEUE },
        taskQueueType: 1,
      });
      return (queue.pollers?.length ?? 0) > 0;
    },
    worker.logFile,
    worker.pid,
  );
  await waitUntil(
    'the controller ready',
    90_000,
    () => httpOk(`${controller.healthUrl}/readyz`),
    controller.logFile,
    controller.pid,
  );

  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  await waitUntil('the default ServiceAccount', 30_000, async () => {
    await core.readNamespacedServiceAccount({ name: 'default', namespace: NAMESPACE });
    return true;
  });
  await kc.makeApiClient(k8s.CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: NAMESPACE,
    plural: 'nodegroups',
    body: {
      apiVersion: API_VERSION,
      kind: 'NodeGroup',
      metadata: { name: GROUP_NAME, namespace: NAMESPACE },
      spec: {
        minNodes: 0,
        maxNodes: WARMUP + COUNT + 10,
        datacenterID: SIM_DATACENTERS.frankfurt,
        offeringIDs: [SIM_PLANS.small],
        osImageID: SIM_OS_IMAGES.ubuntu2204,
        kubernetesVersion: `v${components.kubernetesVersion().replace(/^v/, '')}`,
        project: 'bench',
        labels: { [LABEL]: 'yes' },
      },
    },
  });

  // Our own watches: when the pod is first seen unschedulable, when each VPSieNode appears.
  const pendingSeen = new Map<string, number>();
  const vpsieNodeSeen = new Map<string, number>();
  const watch = new k8s.Watch(kc);
  const podWatch = await watch.watch(
    `/api/v1/namespaces/${NAMESPACE}/pods`,
    {},
    (_type, pod: k8s.V1Pod) => {
      const name = pod.metadata?.name ?? '';
      const unschedulable = pod.status?.conditions?.some(
        (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
      );
      if (unschedulable && !pendingSeen.has(name)) pendingSeen.set(name, Date.now());
    },
    () => undefined,
  );
  stops.push(async () => podWatch.abort());
  const nodeWatch = await watch.watch(
    `/apis/${GROUP}/${VERSION}/namespaces/${NAMESPACE}/vpsienodes`,
    {},
    (type, obj: k8s.KubernetesObject) => {
      const name = obj.metadata?.name ?? '';
      if (type === 'ADDED' && !vpsieNodeSeen.has(name)) vpsieNodeSeen.set(name, Date.now());
    },
    () => undefined,
  );
  stops.push(async () => nodeWatch.abort());

  const samples: Sample[] = [];
  let failure: string | undefined;
  const total = WARMUP + COUNT;
  console.log(`${total} scale-ups (${WARMUP} warm-up), one pod at a time, gap ${GAP_MS} ms`);
  for (let i = 0; i < total; i++) {
    if (Date.now() > DEADLINE) {
      failure = `stopped at the --max-minutes deadline after ${i} scale-ups`;
      break;
    }
    if (!isRunning(controller.pid) || !isRunning(worker.pid)) {
      failure = 'the controller or worker exited';
      break;
    }
    if (vms.length !== i) {
      failure = `${vms.length} VMs before scale-up ${i + 1}: a duplicate scale-up happened`;
      break;
    }
    const pod = `p-${String(i).padStart(3, '0')}`;
    const sample: Sample = { pod, created: Date.now() };
    samples.push(sample);
    await core.createNamespacedPod({
      namespace: NAMESPACE,
      body: {
        metadata: { name: pod },
        spec: {
          nodeSelector: { [LABEL]: 'yes' },
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'app',
              image: 'registry.local/app:1',
              resources: { requests: { cpu: '1500m', memory: '256Mi' } },
            },
          ],
        },
      },
    });
    // The i-th VM is this pod's: the previous ones were all created before this pod was.
    const deadline = Date.now() + PER_POD_TIMEOUT_MS;
    while (vms.length <= i && Date.now() < deadline) await sleep(5);
    const vm = vms[i];
    if (!vm) {
      failure = `${pod}: no VM create within ${PER_POD_TIMEOUT_MS / 1000} s`;
      break;
    }
    sample.vm = vm.at;
    sample.vpsieNodeName = vm.hostname;
    sample.vpsienode = vpsieNodeSeen.get(vm.hostname);
    sample.pending = pendingSeen.get(pod);
    await sleep(GAP_MS);
    if ((i + 1) % 10 === 0) console.log(`  ${i + 1}/${total}`);
  }
  // Late duplicates (e.g. a node planned again when its Node joined) show here.
  await sleep(5_000);
  const vpsieNodeCount = (
    (await kc.makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: 'vpsienodes',
    })) as { items: unknown[] }
  ).items.length;
  const scaleUps = samples.filter((s) => s.vm !== undefined).length;
  if (!failure && (vpsieNodeCount !== scaleUps || vms.length !== scaleUps)) {
    failure = `${scaleUps} scale-ups but ${vpsieNodeCount} VPSieNodes and ${vms.length} VMs`;
  }
  const byRoute = new Map<string, number>();
  for (const r of sim.requests) byRoute.set(r.route ?? '?', (byRoute.get(r.route ?? '?') ?? 0) + 1);
  const requests = [...byRoute].map(([route, n]) => `${route} ${n}`).join(', ');

  const handoff = await handoffBreakdown(client, samples.slice(WARMUP));
  const rateLimited = await metricSum(
    worker.metricsUrl,
    'vpsie_autoscaler_vpsie_api_rate_limited_total',
  );
  const measured = samples.slice(WARMUP).filter((s) => s.vm !== undefined);
  const report = summarize(samples.slice(0, WARMUP), measured, failure, [
    `VPSieNodes ${vpsieNodeCount}, VMs created ${vms.length}, for ${scaleUps} scale-ups`,
    `simulator requests: ${requests}`,
    `worker vpsie_api_rate_limited_total: ${rateLimited ?? 'unknown'}`,
    '',
    "VPSieNode -> VM create request, from the provisioning workflows' histories (ms):",
    '',
    '| step | n | p50 | p90 | p99 | max | mean |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...[...handoff].map(([label, values]) => row(label, values)),
  ]);
  console.log(report);
  writeFileSync(join(DIR, 'samples.json'), JSON.stringify(samples, null, 2));
  writeFileSync(join(DIR, 'report.txt'), report);
  console.log(`samples: ${join(DIR, 'samples.json')}; logs: ${DIR}`);
  if (failure) process.exitCode = 1;
}

interface Component {
  pid: number;
  logFile: string;
  healthUrl: string;
  metricsUrl: string;
}

/** `node dist/<component>/main.js`, detached, like scripts/dev/lib/autoscaler-processes.ts. */
async function startComponent(
  component: 'controller' | 'worker',
  settings: Record<string, string>,
): Promise<Component> {
  const pidFile = join(DIR, `${component}.pid`);
  await stopService(pidFile);
  const metrics = `127.0.0.1:${await freePort()}`;
  const health = `127.0.0.1:${await freePort()}`;
  const env: NodeJS.ProcessEnv = {};
  // The processes refuse VPSIE_AUTOSCALER_* variables they do not know (e.g. the scripts' own).
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('VPSIE_AUTOSCALER_')) env[name] = undefined;
  }
  Object.assign(env, settings, {
    VPSIE_AUTOSCALER_METRICS_BIND_ADDRESS: metrics,
    VPSIE_AUTOSCALER_HEALTH_BIND_ADDRESS: health,
  });
  const logFile = join(DIR, `${component}.log`);
  writeFileSync(logFile, '');
  const pid = startService({
    name: component,
    command: process.execPath,
    args: [join(REPO_ROOT, 'dist', component, 'main.js')],
    cwd: REPO_ROOT,
    env,
    logFile,
    pidFile,
  });
  stops.push(() => stopService(pidFile, 40_000));
  return { pid, logFile, healthUrl: `http://${health}`, metricsUrl: `http://${metrics}/metrics` };
}

const httpOk = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );

async function metricSum(url: string, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  } catch {
    return undefined;
  }
}

const eventMs = (event: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
  Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;

/**
 * Where VPSieNode -> VM create goes, per step, from each provisioning workflow's history:
 * the provisioning controller starting the workflow, then each activity before createVm from
 * scheduled to completed (including the workflow task that schedules the next one).
 */
async function handoffBreakdown(
  client: Client,
  samples: readonly Sample[],
): Promise<Map<string, (number | undefined)[]>> {
  const steps = new Map<string, (number | undefined)[]>();
  const add = (label: string, value: number | undefined) =>
    steps.set(label, [...(steps.get(label) ?? []), value]);
  for (const sample of samples) {
    if (!sample.vpsieNodeName || sample.vm === undefined) continue;
    const id = provisionWorkflowId({ namespace: NAMESPACE, name: sample.vpsieNodeName });
    const history = await client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    const started = events[0] ? eventMs(events[0]) : undefined;
    add(
      'VPSieNode seen -> workflow started (provisioning controller)',
      started === undefined || sample.vpsienode === undefined
        ? undefined
        : started - sample.vpsienode,
    );
    let previous = started;
    const scheduled = new Map<string, { type: string; at: number }>();
    for (const event of events) {
      const at = eventMs(event);
      const attrs = event.activityTaskScheduledEventAttributes;
      if (attrs) {
        const type = attrs.activityType?.name ?? '?';
        scheduled.set(String(event.eventId), { type, at });
        if (type === 'createVm') {
          add(
            'previous step done -> createVm scheduled',
            previous === undefined ? undefined : at - previous,
          );
          add('createVm scheduled -> VM create request', sample.vm - at);
          break;
        }
        add(
          `previous step done -> ${type} scheduled`,
          previous === undefined ? undefined : at - previous,
        );
      }
      const done = event.activityTaskCompletedEventAttributes;
      if (done) {
        const step = scheduled.get(String(done.scheduledEventId));
        if (step) add(`${step.type} (scheduled -> completed)`, at - step.at);
        previous = at;
      }
    }
  }
  return steps;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function stats(values: readonly (number | undefined)[]) {
  const known = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  return {
    n: known.length,
    p50: percentile(known, 50),
    p90: percentile(known, 90),
    p99: percentile(known, 99),
    max: known.at(-1) ?? NaN,
    mean,
  };
}

const ms = (v: number) => (Number.isNaN(v) ? '-' : `${Math.round(v)}`);

function row(label: string, values: readonly (number | undefined)[]): string {
  const s = stats(values);
  return `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} | ${ms(s.mean)} |`;
}

function summarize(
  warmup: readonly Sample[],
  measured: readonly Sample[],
  failure: string | undefined,
  facts: readonly string[],
): string {
  const diff = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : b - a;
  const rows: [string, (s: Sample) => number | undefined][] = [
    ['pod created -> VM create request (total)', (s) => diff(s.created, s.vm)],
    ['pod unschedulable -> VM create request', (s) => diff(s.pending, s.vm)],
    ['  pod created -> unschedulable (kube-scheduler)', (s) => diff(s.created, s.pending)],
    [
      '  unschedulable -> VPSieNode (batch window + plan + write)',
      (s) => diff(s.pending, s.vpsienode),
    ],
    ['  VPSieNode -> VM create request (Temporal + worker)', (s) => diff(s.vpsienode, s.vm)],
  ];
  const lines = [
    '',
    `machine: ${os.cpus().length} CPUs (nproc ${nproc()}), ${os.cpus()[0]?.model ?? '?'}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
    `load average at the end (1/5/15 min): ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `command: npm run bench:scale-up -- --count ${COUNT} --warmup ${WARMUP} --gap-ms ${GAP_MS}` +
      (args['skip-build'] ? ' --skip-build' : ''),
    `scale-ups measured: ${measured.length} of ${COUNT} (after ${warmup.length} warm-up)`,
    '',
    '| segment (ms) | n | p50 | p90 | p99 | max | mean |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(([label, f]) => row(label.trim(), measured.map(f))),
    '',
    `warm-up totals (ms): ${warmup.map((s) => ms(diff(s.created, s.vm) ?? NaN)).join(', ') || '-'}`,
    ...facts,
  ];
  const total = stats(measured.map((s) => diff(s.created, s.vm)));
  lines.push(
    total.p99 <= 1500
      ? `target p99 <= 1500 ms: met (p99 ${ms(total.p99)} ms)`
      : `target p99 <= 1500 ms: MISSED (p99 ${ms(total.p99)} ms)`,
  );
  if (failure) lines.push(`run incomplete: ${failure}`);
  return lines.join('\n');
}

function nproc(): string {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

async function stopAll(): Promise<void> {
  for (const stop of stops.reverse()) {
    await stop().catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
  }
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    void stopAll().then(() => process.exit(130));
  });
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    for (const name of ['controller', 'worker']) {
      const tail = logTail(join(DIR, `${name}.log`), 15);
      if (tail) console.error(`--- end of ${name}.log ---\n${tail}`);
    }
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!stopping) await stopAll();
  });
