// The VPSie offering list (CPU, memory, disk, price of each plan) the planner sizes new nodes
// by. It changes rarely and every pass needs it, so it is read once per `ttlSeconds`
// (config.scaling.offeringCacheSeconds). When a refresh fails the last good list is kept: a
// VPSie outage must not stop planning onto offerings we already know. Unavailable offerings are
// left out: VPSie would refuse to create them.
import type { Offering } from '../vpsie/types';
import type { OfferingInfo } from '../scheduling/types';

export interface OfferingSource {
  listOfferings(): Promise<Offering[]>;
}

export class OfferingCatalogue {
  private cached: ReadonlyMap<string, OfferingInfo> | undefined;
  private fetchedAtMs = 0;
  private inFlight: Promise<ReadonlyMap<string, OfferingInfo>> | undefined;

  constructor(
    private readonly source: OfferingSource,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The offerings by id. Throws only when no list was ever read. */
  async offerings(): Promise<ReadonlyMap<string, OfferingInfo>> {
    if (this.cached && this.now() - this.fetchedAtMs < this.ttlSeconds * 1000) return this.cached;
    this.inFlight ??= this.refresh().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async refresh(): Promise<ReadonlyMap<string, OfferingInfo>> {
    try {
      const list = await this.source.listOfferings();
      this.cached = new Map(
        list
          .filter((o) => o.available)
          .map((o) => [
            o.id,
            {
              id: o.id,
              name: o.name,
              cpu: o.cpu,
              ramMb: o.ramMb,
              diskGb: o.diskGb,
              ...(o.priceMonthly === undefined ? {} : { priceMonthly: o.priceMonthly }),
            },
          ]),
      );
      this.fetchedAtMs = this.now();
      return this.cached;
    } catch (err) {
      if (this.cached) return this.cached;
      throw err;
    }
  }
}
