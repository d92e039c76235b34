// Karpenter's batching of pending pods: planning waits until pods stop arriving for `idleMs`
// (so a Deployment scaled to 50 replicas is planned as one batch, not 50), but never longer
// than `maxMs` after the batch opened (so a steady trickle cannot postpone a scale-up forever).
// A pure state machine over the caller's clock: it says when the batch is due; the caller owns
// the timer and calls reset() when it plans.

export interface BatchWindowSettings {
  /** Quiet time after the last new pending pod (Karpenter BATCH_IDLE_DURATION, 1 s). */
  idleMs: number;
  /** Longest a batch stays open (Karpenter BATCH_MAX_DURATION, 10 s). */
  maxMs: number;
}

export class BatchWindow {
  private openedAtMs: number | undefined;
  private lastPodAtMs: number | undefined;

  constructor(private readonly settings: BatchWindowSettings) {}

  /**
   * Something happened at `nowMs`. `newPods` > 0: that many pending pods were seen for the
   * first time; they open the batch if none is open and restart the idle wait. `newPods` = 0
   * (e.g. a NodeGroup changed) opens a batch if none is open but does not extend an open one,
   * so unrelated events cannot keep postponing the pods already waiting.
   */
  observe(nowMs: number, newPods: number): void {
    if (this.openedAtMs === undefined) {
      this.openedAtMs = nowMs;
      this.lastPodAtMs = nowMs;
      return;
    }
    // A clock that steps back must not move the due time earlier than already promised.
    if (newPods > 0) this.lastPodAtMs = Math.max(this.lastPodAtMs ?? nowMs, nowMs);
  }

  /** When the open batch should be planned; undefined when no batch is open. */
  dueAtMs(): number | undefined {
    if (this.openedAtMs === undefined || this.lastPodAtMs === undefined) return undefined;
    return Math.min(
      this.lastPodAtMs + this.settings.idleMs,
      this.openedAtMs + Math.max(this.settings.maxMs, 0),
    );
  }

  isDue(nowMs: number): boolean {
    const due = this.dueAtMs();
    return due !== undefined && nowMs >= due;
  }

  /** The batch was planned: the next pending pod opens a new one. */
  reset(): void {
    this.openedAtMs = undefined;
    this.lastPodAtMs = undefined;
  }
}
