// Per-group work queue of the NodeGroup reconciler: events for a group within a short window
// become one reconcile (a hundred VPSieNode updates, one status patch), and reconciles of the
// same group never overlap (they read the caches and may patch; two at once would race).
// Different groups run independently.
export class GroupQueue {
  private readonly timers = new Map<string, { dueMs: number; timer: NodeJS.Timeout }>();
  private readonly chains = new Map<string, Promise<void>>();
  /** Keys touched before open(): the caches were still filling, so they wait. */
  private readonly held = new Set<string>();
  private state: 'held' | 'open' | 'closed' = 'held';

  constructor(
    private readonly debounceMs: number,
    private readonly handle: (key: string) => Promise<void>,
  ) {}

  /**
   * Reconcile `key` in `delayMs` (default: the debounce). A key already waiting keeps its turn
   * (later events join it, so a steady stream cannot postpone it forever) unless this one is due
   * sooner.
   */
  enqueue(key: string, delayMs = this.debounceMs): void {
    if (this.state === 'closed') return;
    if (this.state === 'held') {
      this.held.add(key);
      return;
    }
    const dueMs = Date.now() + delayMs;
    const waiting = this.timers.get(key);
    if (waiting && waiting.dueMs <= dueMs) return;
    if (waiting) clearTimeout(waiting.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.handle(key);
    }, delayMs);
    // Never the reason the process stays alive: the servers in main.ts are.
    timer.unref();
    this.timers.set(key, { dueMs, timer });
  }

  /** Runs `work` for `key` after any work for `key` already running or queued. */
  run(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.chains.set(key, next);
    const settled = () => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    };
    // Handled here, so a failure is the caller's to see, never an unhandled rejection.
    next.then(settled, settled);
    return next;
  }

  /** Starts reconciling, beginning with the keys held so far. */
  open(): void {
    if (this.state !== 'held') return;
    this.state = 'open';
    for (const key of this.held) this.enqueue(key);
    this.held.clear();
  }

  /** No more timers; waits for the reconciles in progress. */
  async close(): Promise<void> {
    this.state = 'closed';
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.held.clear();
    await Promise.allSettled([...this.chains.values()]);
  }
}
