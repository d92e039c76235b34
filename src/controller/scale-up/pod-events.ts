// Events on pending pods, what `kubectl describe pod` shows their owners: TriggeredScaleUp (which
// group grows for it) or NotTriggerScaleUp (why no group can run it, group by group), as Cluster
// Autoscaler words them. One event per pod and verdict, not one per pass: a pod that stays
// pending for an hour gets its explanation once, and again only when the explanation changes.
// Events are sent in the background through a bounded queue, so a burst of thousands of pending
// pods never delays the VPSieNodes being created, nor grows memory without bound.
import type * as k8s from '@kubernetes/client-node';
import { emitEvent } from '../../kube/events';
import type { Logger } from '../../logging/logger';

export interface PodVerdict {
  pod: k8s.V1Pod;
  type: 'Normal' | 'Warning';
  reason: 'TriggeredScaleUp' | 'NotTriggerScaleUp';
  note: string;
}

const QUEUE_LIMIT = 1000;
const CONCURRENCY = 8;

export class PodEvents {
  /** Pod uid → the note last sent, so the same verdict is not repeated. */
  private readonly sent = new Map<string, string>();
  private readonly queue: PodVerdict[] = [];
  private active = 0;
  dropped = 0;

  constructor(
    private readonly events: k8s.EventsV1Api,
    private readonly logger: Logger,
  ) {}

  /** Queues the verdicts that differ from what each pod was last told. */
  tell(verdicts: readonly PodVerdict[]): void {
    for (const verdict of verdicts) {
      const uid = verdict.pod.metadata?.uid ?? '';
      const key = `${verdict.reason}\u0000${verdict.note}`;
      if (this.sent.get(uid) === key) continue;
      if (this.queue.length >= QUEUE_LIMIT) {
        this.dropped += 1; // told on a later pass, when the queue has room
        continue;
      }
      this.sent.set(uid, key);
      this.queue.push(verdict);
    }
    this.pump();
  }

  /** Forgets pods that are no longer pending, so a pod that pends again is told again. */
  retainOnly(pendingUids: ReadonlySet<string>): void {
    for (const uid of this.sent.keys()) if (!pendingUids.has(uid)) this.sent.delete(uid);
  }

  private pump(): void {
    while (this.active < CONCURRENCY && this.queue.length > 0) {
      const verdict = this.queue.shift()!;
      this.active += 1;
      void this.send(verdict).finally(() => {
        this.active -= 1;
        this.pump();
      });
    }
  }

  private async send({ pod, type, reason, note }: PodVerdict): Promise<void> {
    const meta = pod.metadata ?? {};
    try {
      await emitEvent(
        this.events,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          namespace: meta.namespace ?? 'default',
          name: meta.name ?? '',
          uid: meta.uid,
        },
        { type, reason, action: 'ScaleUp', note },
      );
    } catch (err) {
      this.sent.delete(meta.uid ?? ''); // try again on a later pass
      this.logger.warn('could not record an event on a pending pod', {
        pod: `${meta.namespace}/${meta.name}`,
        err,
      });
    }
  }
}
