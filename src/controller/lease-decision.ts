// The decisions of Lease-based leader election, without I/O, after client-go's leaderelection
// package: given the Lease as last read, this candidate's clock and identity, may it acquire or
// renew, and what does it write. leader-election.ts does the reading and writing.
//
// Expiry is judged by when *this* candidate saw the record last change (its own clock), never by
// the renewTime inside the record: the record was stamped by another machine, whose clock may be
// skewed. The cost, as in client-go, is that a fresh candidate waits one lease duration before it
// may take over a lease that its holder stopped renewing.
import type * as k8s from '@kubernetes/client-node';

/** What leader election reads and writes of a Lease spec. Times are epoch milliseconds. */
export interface LeaderRecord {
  /** '' when nobody holds the lease (released, or never held). */
  holderIdentity: string;
  /** Unset on a Lease someone else wrote without it: the candidate's own duration applies. */
  leaseDurationSeconds?: number;
  acquireTime?: number;
  renewTime?: number;
  leaseTransitions: number;
}

/** A record and when this candidate saw it change, by this candidate's clock. */
export interface Observation {
  record: LeaderRecord;
  observedAt: number;
}

export interface Candidate {
  identity: string;
  leaseDurationSeconds: number;
}

export type Decision =
  /** Take the lease: nobody holds it, or its holder stopped renewing. Write `record`. */
  | { action: 'acquire'; record: LeaderRecord }
  /** The lease is ours already: write `record` to extend it. */
  | { action: 'renew'; record: LeaderRecord }
  /** Another candidate holds a lease that has not expired (by our clock) before `expiresAt`. */
  | { action: 'wait'; holder: string; expiresAt: number };

/** The observation after reading `record` at `now`: unchanged records keep their first sighting. */
export function observe(
  previous: Observation | undefined,
  record: LeaderRecord,
  now: number,
): Observation {
  return previous && sameRecord(previous.record, record) ? previous : { record, observedAt: now };
}

/** `current` undefined means no Lease exists: it is created with us as holder. */
export function decide(current: Observation | undefined, me: Candidate, now: number): Decision {
  if (!current) {
    return { action: 'acquire', record: newHolder(me, now, 0) };
  }
  const { record } = current;
  if (record.holderIdentity === me.identity) {
    // Renewing keeps acquireTime and the transition count: leadership did not change hands.
    return {
      action: 'renew',
      record: { ...record, leaseDurationSeconds: me.leaseDurationSeconds, renewTime: now },
    };
  }
  const duration = record.leaseDurationSeconds ?? me.leaseDurationSeconds;
  const expiresAt = current.observedAt + duration * 1000;
  if (record.holderIdentity !== '' && now < expiresAt) {
    return { action: 'wait', holder: record.holderIdentity, expiresAt };
  }
  return { action: 'acquire', record: newHolder(me, now, record.leaseTransitions + 1) };
}

/**
 * The record a leader writes when it stops gracefully: no holder, so a successor acquires at
 * its next attempt instead of waiting out the lease. The 1 s duration (as client-go writes it)
 * lets candidates that ignore an empty holder still treat the lease as expired almost at once.
 */
export function releasedRecord(record: LeaderRecord, now: number): LeaderRecord {
  return {
    holderIdentity: '',
    leaseDurationSeconds: 1,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: record.leaseTransitions,
  };
}

function newHolder(me: Candidate, now: number, leaseTransitions: number): LeaderRecord {
  return {
    holderIdentity: me.identity,
    leaseDurationSeconds: me.leaseDurationSeconds,
    acquireTime: now,
    renewTime: now,
    leaseTransitions,
  };
}

function sameRecord(a: LeaderRecord, b: LeaderRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}

export function recordFromSpec(spec: k8s.V1LeaseSpec | undefined): LeaderRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds,
    acquireTime: parseTime(spec?.acquireTime),
    renewTime: parseTime(spec?.renewTime),
    leaseTransitions: spec?.leaseTransitions ?? 0,
  };
}

/** The Lease spec fields leader election owns; other spec fields are the caller's to keep. */
export function specFromRecord(record: LeaderRecord): k8s.V1LeaseSpec {
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: microTime(record.acquireTime),
    renewTime: microTime(record.renewTime),
    leaseTransitions: record.leaseTransitions,
  };
}

// The API server parses MicroTime with exactly six fractional digits; a Date would serialise
// with three and be rejected. client-node does not convert MicroTime either way, so we send the
// string itself (typed as the class it declares) and read back whatever arrives.
function microTime(ms: number | undefined): k8s.V1MicroTime | undefined {
  if (ms === undefined) return undefined;
  const text = new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return text as unknown as k8s.V1MicroTime;
}

function parseTime(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
