// The demo's narration: what the operator would otherwise piece together from `kubectl get -w`,
// the VPSie console and the Temporal Web UI, as one timeline of short lines. It watches
// VPSieNodes and Nodes through the API server and VMs through the simulator's own events, and
// remembers when each VPSieNode was first seen and each Node first became Ready, for the demo's
// timings.
import * as k8s from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../../src/apis/v1alpha1';
import type { SimVm, VpsieSimulator } from '../../../src/simulator';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class Timeline {
  private readonly startedAt = Date.now();

  /** `[  12.3s] message`: time since the demo started. */
  say(message: string): void {
    const at = ((Date.now() - this.startedAt) / 1000).toFixed(1).padStart(6);
    console.log(`[${at}s] ${message}`);
  }
}

interface VpsieNodeObject extends k8s.KubernetesObject {
  spec?: { instanceType?: string; createdFor?: { trigger?: string; summary?: string } };
  status?: { phase?: string; lastError?: string; workflowId?: string; nodeName?: string };
}

interface Seen {
  phase?: string;
  phaseSince: number;
  firstSeen: number;
  lastError?: string;
  workflows: Set<string>;
  deletionSeen?: number;
  /** The scale-down workflow removing it, once one has started (ScaleDownWatch tells us). */
  scaleDown?: { workflowId: string; startMs: number };
}

interface NodeSeen {
  ready?: string;
  cordoned: boolean;
}

export interface NarratorOptions {
  kc: k8s.KubeConfig;
  namespace: string;
  sim: VpsieSimulator;
  timeline: Timeline;
  /** Link to a workflow in the Temporal Web UI. */
  workflowUrl: (workflowId: string) => string;
}

/** Narrates until stopped. Watches that end (server timeouts) are started again. */
export class Narrator {
  private readonly vpsieNodes = new Map<string, Seen>();
  private readonly nodes = new Map<string, NodeSeen>();
  private readonly nodesDeleting = new Set<string>();
  /** Every VPSieNode ever seen → when; kept after deletion. */
  private readonly vpsieNodeSeenAt = new Map<string, number>();
  /** Node → when it was first seen Ready; kept after deletion. */
  private readonly nodeReadyAt = new Map<string, number>();
  private readonly aborts: AbortController[] = [];
  private readonly unsubscribe: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly options: NarratorOptions) {}

  async start(): Promise<void> {
    const { sim, timeline } = this.options;
    const datacenter = (vm: SimVm) =>
      sim.state.catalogue.datacenters.find((dc) => dc.identifier === vm.dcIdentifier)?.name ??
      vm.dcIdentifier;
    const plan = (vm: SimVm) => `${vm.plan.name}, ${datacenter(vm)}`;
    this.unsubscribe.push(
      sim.state.onVmCreated((vm) =>
        timeline.say(`VPSie: VM ${vm.hostname} created (id ${vm.identifier}; ${plan(vm)})`),
      ),
      sim.state.onVmRunning((vm) =>
        timeline.say(
          `VPSie: VM ${vm.hostname} is running (booted in ${seconds(
            (vm.runningAt ?? vm.createdAt) - vm.createdAt,
          )}); its kubelet joins the cluster`,
        ),
      ),
      sim.state.onVmDeleted((vm) => timeline.say(`VPSie: VM ${vm.hostname} deleted`)),
    );
    await Promise.all([
      this.watch(
        `/apis/${GROUP}/${VERSION}/namespaces/${this.options.namespace}/vpsienodes`,
        (t, o) => this.onVpsieNode(t, o as VpsieNodeObject),
      ),
      this.watch('/api/v1/nodes', (t, o) => this.onNode(t, o as k8s.V1Node)),
    ]);
  }

  /** When the VPSieNode was first seen, for every one seen so far (also the deleted ones). */
  vpsieNodesSeen(): ReadonlyMap<string, number> {
    return this.vpsieNodeSeenAt;
  }

  /** When the Node was first seen Ready. */
  firstReadyAt(node: string): number | undefined {
    return this.nodeReadyAt.get(node);
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    for (const abort of this.aborts.splice(0)) abort.abort();
  }

  private async watch(path: string, handle: (type: string, obj: unknown) => void): Promise<void> {
    const again = () => {
      if (!this.stopped) setTimeout(() => void this.watch(path, handle).catch(again), 1000);
    };
    const abort = await new k8s.Watch(this.options.kc).watch(path, {}, handle, again);
    this.aborts.push(abort);
  }

  private onVpsieNode(type: string, obj: VpsieNodeObject): void {
    const { timeline } = this.options;
    const name = obj.metadata?.name ?? '?';
    const now = Date.now();
    let seen = this.vpsieNodes.get(name);
    if (type === 'DELETED') {
      timeline.say(`VPSieNode ${name} is gone${seen ? this.removalTook(seen, now) : ''}`);
      this.vpsieNodes.delete(name);
      return;
    }
    if (!seen) {
      seen = { phaseSince: now, firstSeen: now, workflows: new Set() };
      this.vpsieNodes.set(name, seen);
      if (!this.vpsieNodeSeenAt.has(name)) this.vpsieNodeSeenAt.set(name, now);
      const { instanceType, createdFor } = obj.spec ?? {};
      const plan = this.options.sim.state.catalogue.plans.find(
        (p) => p.identifier === instanceType,
      );
      timeline.say(
        `VPSieNode ${name} created (${plan?.name ?? instanceType ?? 'no instanceType'}` +
          (createdFor
            ? `; createdFor ${createdFor.trigger ?? '?'}: ${createdFor.summary ?? ''})`
            : '; by hand)'),
      );
    }
    const status = obj.status ?? {};
    const workflowId = status.workflowId;
    if (workflowId && !seen.workflows.has(workflowId)) {
      seen.workflows.add(workflowId);
      timeline.say(
        `VPSieNode ${name}: workflow ${workflowId}  ${this.options.workflowUrl(workflowId)}`,
      );
    }
    if (status.phase && status.phase !== seen.phase) {
      const from = seen.phase ?? 'created';
      const took =
        from === 'Ready'
          ? `(was Ready for ${seconds(now - seen.phaseSince)})`
          : `in ${seconds(now - seen.phaseSince)}`;
      const total =
        status.phase === 'Ready'
          ? `; Ready ${seconds(now - seen.firstSeen)} after it was created`
          : '';
      timeline.say(`VPSieNode ${name}: ${from} → ${status.phase} ${took}${total}`);
      seen.phase = status.phase;
      seen.phaseSince = now;
    }
    if (status.lastError && status.lastError !== seen.lastError) {
      timeline.say(`VPSieNode ${name}: last error: ${status.lastError}`);
    }
    seen.lastError = status.lastError;
    if (obj.metadata?.deletionTimestamp && seen.deletionSeen === undefined) {
      seen.deletionSeen = now;
      const finalizers = obj.metadata.finalizers ?? [];
      timeline.say(
        `VPSieNode ${name}: delete requested` +
          (finalizers.length > 0
            ? ` (kept by finalizer ${finalizers.join(', ')} until removed)`
            : ''),
      );
    }
  }

  /** A scale-down workflow started for this VPSieNode (seen through Temporal). */
  scaleDownStarted(name: string, workflowId: string, startMs: number): void {
    const seen = this.vpsieNodes.get(name);
    if (seen && !seen.scaleDown) seen.scaleDown = { workflowId, startMs };
  }

  /** From whatever started the removal: the delete request, else the autoscaler's workflow. */
  private removalTook(seen: Seen, now: number): string {
    const { deletionSeen, scaleDown } = seen;
    if (deletionSeen !== undefined && (!scaleDown || deletionSeen <= scaleDown.startMs)) {
      return `: scale-down took ${seconds(now - deletionSeen)} from the delete request`;
    }
    if (scaleDown) {
      return `: scale-down took ${seconds(now - scaleDown.startMs)} from the start of ${scaleDown.workflowId}`;
    }
    return '';
  }

  private onNode(type: string, node: k8s.V1Node): void {
    const { timeline } = this.options;
    const name = node.metadata?.name ?? '?';
    if (type === 'DELETED') {
      timeline.say(`Node ${name} deleted`);
      this.nodes.delete(name);
      this.nodesDeleting.delete(name);
      return;
    }
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
    let seen = this.nodes.get(name);
    if (!seen) {
      // A kubelet registers its Node before its first status; only Ready=True is news then.
      seen = { ready: ready === 'True' ? undefined : ready, cordoned: false };
      this.nodes.set(name, seen);
      timeline.say(`Node ${name} registered`);
    }
    if (ready === 'True' && !this.nodeReadyAt.has(name)) this.nodeReadyAt.set(name, Date.now());
    if (ready !== seen.ready) {
      timeline.say(
        ready === 'True'
          ? `Node ${name} is Ready`
          : `Node ${name}: Ready=${ready}${ready === 'Unknown' ? ' (no kubelet heartbeats)' : ''}`,
      );
      seen.ready = ready;
    }
    const cordoned = node.spec?.unschedulable === true;
    if (cordoned !== seen.cordoned) {
      timeline.say(`Node ${name} ${cordoned ? 'cordoned' : 'uncordoned'}`);
      seen.cordoned = cordoned;
    }
    if (node.metadata?.deletionTimestamp && !this.nodesDeleting.has(name)) {
      this.nodesDeleting.add(name);
      timeline.say(`Node ${name}: delete requested`);
    }
  }
}
