// The demo's view of its workload: the pods of one namespace as `kubectl get pods -w` and
// `kubectl get events` would show them, as timeline lines, and when each thing first happened
// (a pod seen unschedulable, bound, Running), for the demo's timings and checks. It also narrates
// the scale-up controller's verdicts on the pods (Events TriggeredScaleUp / NotTriggerScaleUp),
// each distinct note once.
import * as k8s from '@kubernetes/client-node';
import type { Timeline } from './timeline';

export interface PodSeen {
  name: string;
  nodeName?: string;
  phase?: string;
  deleting: boolean;
  /** When the PodScheduled=False (Unschedulable) condition was first seen. */
  unschedulableAt?: number;
  boundAt?: number;
  runningAt?: number;
}

interface EventObject extends k8s.KubernetesObject {
  reason?: string;
  note?: string;
  regarding?: { kind?: string; name?: string };
}

const SCALE_UP_REASONS = new Set(['TriggeredScaleUp', 'NotTriggerScaleUp']);

export class PodWatch {
  private readonly pods = new Map<string, PodSeen>();
  private readonly notes = new Set<string>();
  private readonly aborts: AbortController[] = [];
  private stopped = false;
  private firstUnschedulable?: number;

  constructor(
    private readonly options: { kc: k8s.KubeConfig; namespace: string; timeline: Timeline },
  ) {}

  async start(): Promise<void> {
    const ns = this.options.namespace;
    await Promise.all([
      this.watch(`/api/v1/namespaces/${ns}/pods`, (t, o) => this.onPod(t, o as k8s.V1Pod)),
      this.watch(`/apis/events.k8s.io/v1/namespaces/${ns}/events`, (t, o) =>
        this.onEvent(t, o as EventObject),
      ),
    ]);
  }

  stop(): void {
    this.stopped = true;
    for (const abort of this.aborts.splice(0)) abort.abort();
  }

  /** The pods that exist now (deleted ones are forgotten). */
  current(): PodSeen[] {
    return [...this.pods.values()].map((p) => ({ ...p }));
  }

  /** When the first pod was seen unschedulable, if one was. */
  firstUnschedulableAt(): number | undefined {
    return this.firstUnschedulable;
  }

  private async watch(path: string, handle: (type: string, obj: unknown) => void): Promise<void> {
    const again = () => {
      if (!this.stopped) setTimeout(() => void this.watch(path, handle).catch(again), 1000);
    };
    const abort = await new k8s.Watch(this.options.kc).watch(path, {}, handle, again);
    this.aborts.push(abort);
  }

  private onPod(type: string, pod: k8s.V1Pod): void {
    const { timeline } = this.options;
    const name = pod.metadata?.name ?? '?';
    const now = Date.now();
    let seen = this.pods.get(name);
    if (type === 'DELETED') {
      if (seen)
        timeline.say(`Pod ${name} deleted${seen.nodeName ? ` (was on ${seen.nodeName})` : ''}`);
      this.pods.delete(name);
      return;
    }
    if (!seen) {
      seen = { name, deleting: false };
      this.pods.set(name, seen);
    }
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (
      !pod.spec?.nodeName &&
      scheduled?.status === 'False' &&
      scheduled.reason === 'Unschedulable' &&
      seen.unschedulableAt === undefined
    ) {
      seen.unschedulableAt = now;
      const first = this.firstUnschedulable === undefined;
      this.firstUnschedulable ??= now;
      // The scheduler's message is the same for every pod of a workload: say it once.
      timeline.say(
        `Pod ${name} pending: Unschedulable` + (first ? ` (${scheduled.message ?? ''})` : ''),
      );
    }
    if (pod.spec?.nodeName && seen.nodeName !== pod.spec.nodeName) {
      seen.nodeName = pod.spec.nodeName;
      seen.boundAt = now;
    }
    const phase = pod.status?.phase;
    if (phase !== seen.phase) {
      seen.phase = phase;
      if (phase === 'Running') {
        seen.runningAt = now;
        timeline.say(
          `Pod ${name} Running on ${seen.nodeName ?? '?'}` +
            (seen.unschedulableAt !== undefined
              ? ` (${((now - seen.unschedulableAt) / 1000).toFixed(1)} s after it was pending)`
              : ''),
        );
      }
    }
    if (pod.metadata?.deletionTimestamp && !seen.deleting) seen.deleting = true;
  }

  private onEvent(type: string, event: EventObject): void {
    if (type !== 'ADDED' || !event.reason || !SCALE_UP_REASONS.has(event.reason)) return;
    const note = event.note ?? '';
    const key = `${event.reason} ${note}`;
    if (this.notes.has(key)) return;
    this.notes.add(key);
    this.options.timeline.say(
      `Event ${event.reason} on Pod ${event.regarding?.name ?? '?'}: ${note}`,
    );
  }
}
