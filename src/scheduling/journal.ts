// An undo log for the shared topology counters. Evaluating a NodeGroup option packs pods onto
// simulated nodes, which bumps counters every other option reads too; the option's changes are
// rolled back before the next option is tried. Changes to the simulated nodes themselves are not
// logged: those nodes are simply dropped.

/** Something whose changes can be undone: a counter of pods per topology domain. */
export interface Revertible {
  /** The topology key the counter is about (for deciding which options a change affects). */
  readonly key: string;
  /** Undo one change: `delta` added to `value`'s count, or (delta 0) `value` added as a domain. */
  revert(value: string, delta: number): void;
}

export class Journal {
  private readonly targets: Revertible[] = [];
  private readonly values: string[] = [];
  private readonly deltas: number[] = [];

  record(target: Revertible, value: string, delta: number): void {
    this.targets.push(target);
    this.values.push(value);
    this.deltas.push(delta);
  }

  mark(): number {
    return this.targets.length;
  }

  rollback(mark: number): void {
    for (let i = this.targets.length - 1; i >= mark; i--) {
      this.targets[i]!.revert(this.values[i]!, this.deltas[i]!);
    }
    this.forget(mark);
  }

  /** Keep the changes since `mark`: they are part of the plan now. */
  forget(mark: number): void {
    this.targets.length = mark;
    this.values.length = mark;
    this.deltas.length = mark;
  }

  /** The counters changed since `mark`, with the domain value each change was in. */
  *changesSince(mark: number): Generator<[target: Revertible, value: string]> {
    for (let i = mark; i < this.targets.length; i++) yield [this.targets[i]!, this.values[i]!];
  }
}
