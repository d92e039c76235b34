// Faults a test switches on at run time, each for the next N matching requests (or until
// reset()). Counted faults can be narrowed to some routes with `only`. The server consumes them;
// the state never sees them, so the model stays a plain account.

import type { RouteName } from '../vpsie/wire';

export type QuotaStyle =
  /** HTTP 200 with `error: true`: the contract's warning case, and the default. */
  | 'envelope'
  /** HTTP 400 with the error body. */
  | 'http400';

export const DEFAULT_QUOTA_MESSAGE =
  'Cannot create server: the number of servers exceeds the allowed limit for your plan';

interface Counted<T> {
  remaining: number;
  only?: readonly RouteName[];
  value: T;
}

export interface FaultScope {
  /** Affect only these routes (default: every known route). */
  only?: RouteName | readonly RouteName[];
}

export class FaultPlan {
  private latency: Counted<number>[] = [];
  private rateLimits: Counted<number>[] = [];
  private serverErrorBursts: Counted<number>[] = [];
  private oversized: Counted<number>[] = [];
  private quota: Counted<{ style: QuotaStyle; message: string }>[] = [];
  private lostCreates = 0;
  private neverBoot = 0;
  private neverJoin = 0;

  /** Delay answers by `ms` (for `count` requests, default all). */
  addLatency(ms: number, count = Infinity, scope: FaultScope = {}) {
    this.latency.push(counted(count, scope, ms));
    return this;
  }

  /** Answer 429 with `Retry-After: retryAfterSeconds` to the next `count` requests. */
  rateLimit(count: number, retryAfterSeconds: number, scope: FaultScope = {}) {
    this.rateLimits.push(counted(count, scope, retryAfterSeconds));
    return this;
  }

  /** Answer the next `count` requests with a 5xx. */
  serverErrors(count: number, status = 503, scope: FaultScope = {}) {
    this.serverErrorBursts.push(counted(count, scope, status));
    return this;
  }

  /** Pad the next `count` successful answers to at least `bytes` bytes. */
  oversizeResponses(count: number, bytes: number, scope: FaultScope = {}) {
    this.oversized.push(counted(count, scope, bytes));
    return this;
  }

  /** Refuse the next `count` creates with a quota message. */
  quotaOnCreate(options: { count?: number; style?: QuotaStyle; message?: string } = {}): FaultPlan {
    const value = {
      style: options.style ?? 'envelope',
      message: options.message ?? DEFAULT_QUOTA_MESSAGE,
    };
    this.quota.push(counted(options.count ?? Infinity, {}, value));
    return this;
  }

  /** Perform the next `count` creates, then drop the connection instead of answering. */
  loseCreateResponses(count = 1) {
    this.lostCreates += count;
    return this;
  }

  /** The next `count` VMs stay `provisioning` forever. */
  vmsNeverBoot(count = Infinity) {
    this.neverBoot += count;
    return this;
  }

  /** The next `count` VMs boot but carry `neverJoins` for the cluster-join simulation. */
  vmsNeverJoin(count = Infinity) {
    this.neverJoin += count;
    return this;
  }

  reset() {
    this.latency = [];
    this.rateLimits = [];
    this.serverErrorBursts = [];
    this.oversized = [];
    this.quota = [];
    this.lostCreates = 0;
    this.neverBoot = 0;
    this.neverJoin = 0;
  }

  // --- consumed by the server ---------------------------------------------------------------

  takeLatency(route: RouteName): number | undefined {
    return take(this.latency, route);
  }

  takeRateLimit(route: RouteName): number | undefined {
    return take(this.rateLimits, route);
  }

  takeServerError(route: RouteName): number | undefined {
    return take(this.serverErrorBursts, route);
  }

  takeOversize(route: RouteName): number | undefined {
    return take(this.oversized, route);
  }

  takeQuota(): { style: QuotaStyle; message: string } | undefined {
    return take(this.quota, 'createVm');
  }

  takeLostCreate(): boolean {
    if (this.lostCreates <= 0) return false;
    this.lostCreates -= 1;
    return true;
  }

  takeNeverBoot(): boolean {
    if (this.neverBoot <= 0) return false;
    this.neverBoot -= 1;
    return true;
  }

  takeNeverJoin(): boolean {
    if (this.neverJoin <= 0) return false;
    this.neverJoin -= 1;
    return true;
  }
}

function counted<T>(count: number, scope: FaultScope, value: T): Counted<T> {
  const only = scope.only === undefined ? undefined : ([] as RouteName[]).concat(scope.only);
  return { remaining: count, only, value };
}

function take<T>(faults: Counted<T>[], route: RouteName): T | undefined {
  const fault = faults.find((f) => f.remaining > 0 && (!f.only || f.only.includes(route)));
  if (!fault) return undefined;
  fault.remaining -= 1;
  return fault.value;
}
