// Leader election through a coordination.k8s.io/v1 Lease, with client-go's semantics: every
// retry period a candidate reads the Lease and, if lease-decision.ts says so, writes it back with
// the resourceVersion it read. The API server rejects a write based on a stale read (409), so of
// two candidates racing for one Lease exactly one wins. A leader that has not renewed within the
// renew deadline stops leading; as the deadline is shorter than the lease duration, it stops
// before any other candidate can consider the lease expired. A graceful stop clears the holder so
// a successor takes over at its next attempt instead of waiting out the lease.
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { isConflict, isNotFound } from '../kube/clients';
import type { Logger } from '../logging/logger';
import {
  decide,
  observe,
  recordFromSpec,
  releasedRecord,
  specFromRecord,
  type LeaderRecord,
  type Observation,
} from './lease-decision';

export interface LeaderElectionOptions {
  kubeConfig: k8s.KubeConfig;
  namespace: string;
  name: string;
  /** Unique per process, e.g. leaderIdentity(): two replicas with one identity would both lead. */
  identity: string;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  logger: Logger;
  /**
   * Called on becoming leader; should start the work and return (renewals go on meanwhile).
   * If it throws, this candidate steps down and releases the lease for another to try.
   */
  onStartedLeading: () => Promise<void> | void;
  /**
   * Called on losing leadership or on stop(), only after onStartedLeading has settled. The
   * candidate competes again afterwards, so the two may alternate several times.
   */
  onStoppedLeading: () => Promise<void> | void;
}

export interface LeaderElector {
  /** Stops competing; a leader calls onStoppedLeading, then releases the lease. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

/** Hostname plus a random suffix, so a restarted pod with the same name is a new candidate. */
export function leaderIdentity(): string {
  return `${hostname()}_${randomBytes(4).toString('hex')}`;
}

// Wall time that only moves forward: read once, then advanced by the monotonic clock. Lease
// expiry and the renew deadline are intervals on this clock, so a stepped system clock (an NTP
// correction) can neither expire a live lease early nor stretch a leader's deadline. Only the
// timestamps written into the Lease, which are informational, drift by such a step.
const wallAtStart = Date.now() - performance.now();
// Whole milliseconds: what a Lease timestamp can carry back, so records compare equal.
const clock = () => Math.floor(wallAtStart + performance.now());

type Attempt = { outcome: 'won' } | { outcome: 'held'; holder: string } | { outcome: 'failed' };

export function startLeaderElection(options: LeaderElectionOptions): LeaderElector {
  const { namespace, name, identity } = options;
  const leaseMs = options.leaseDurationSeconds * 1000;
  const renewDeadlineMs = options.renewDeadlineSeconds * 1000;
  const retryMs = options.retryPeriodSeconds * 1000;
  if (!(leaseMs > renewDeadlineMs && renewDeadlineMs > retryMs && retryMs > 0)) {
    throw new Error('leader election needs leaseDuration > renewDeadline > retryPeriod > 0');
  }
  const api = options.kubeConfig.makeApiClient(k8s.CoordinationV1Api);
  const log = options.logger.child({
    component: 'leader-election',
    lease: `${namespace}/${name}`,
    identity,
  });
  const me = { identity, leaseDurationSeconds: options.leaseDurationSeconds };
  const stopping = new AbortController();

  let observation: Observation | undefined;
  let leading = false;
  let lastRenewAt = 0; // our clock when the last successful write started
  let started: Promise<void> = Promise.resolve();
  let startFailed = false;
  let reportedHolder: string | undefined;

  /** One client-go tryAcquireOrRenew: read, decide, write with the resourceVersion read. */
  async function attempt(budgetMs: number): Promise<Attempt> {
    const timeout = AbortSignal.timeout(Math.max(1, Math.floor(budgetMs)));
    const request = requestOptions(AbortSignal.any([stopping.signal, timeout]));
    try {
      let lease: k8s.V1Lease | undefined;
      try {
        lease = await api.readNamespacedLease({ name, namespace }, request);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      const now = clock();
      observation = lease ? observe(observation, recordFromSpec(lease.spec), now) : undefined;
      const decision = decide(observation, me, now);
      if (decision.action === 'wait') {
        if (reportedHolder !== decision.holder) log.info('lease held', { holder: decision.holder });
        reportedHolder = decision.holder;
        return { outcome: 'held', holder: decision.holder };
      }
      await write(lease, decision.record, request);
      observation = { record: decision.record, observedAt: now };
      return { outcome: 'won' };
    } catch (err) {
      // A conflict is a lost race (another candidate wrote first), not a fault.
      if (isConflict(err)) log.debug('lease changed concurrently');
      else log.warn('lease attempt failed', { error: err });
      return { outcome: 'failed' };
    }
  }

  async function write(
    lease: k8s.V1Lease | undefined,
    record: LeaderRecord,
    request: k8s.ConfigurationOptions,
  ): Promise<void> {
    const spec = { ...lease?.spec, ...specFromRecord(record) };
    if (lease) {
      // lease.metadata carries the resourceVersion read: the optimistic-concurrency guard.
      await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } }, request);
    } else {
      await api.createNamespacedLease(
        { namespace, body: { metadata: { name, namespace }, spec } },
        request,
      );
    }
  }

  function becomeLeader(renewedAt: number): void {
    leading = true;
    lastRenewAt = renewedAt;
    startFailed = false;
    reportedHolder = undefined;
    log.info('started leading');
    started = (async () => {
      try {
        await options.onStartedLeading();
      } catch (err) {
        log.error('onStartedLeading failed; stepping down', { error: err });
        startFailed = true;
      }
    })();
  }

  async function stepDown(reason: string, level: 'info' | 'warn', release: boolean): Promise<void> {
    leading = false;
    log[level]('stopped leading', { reason });
    await started;
    try {
      await options.onStoppedLeading();
    } catch (err) {
      log.error('onStoppedLeading failed', { error: err });
    }
    if (release) await releaseLease();
  }

  /** Clears the holder if it is still us; a read-then-write guarded by resourceVersion too. */
  async function releaseLease(): Promise<void> {
    const request = requestOptions(AbortSignal.timeout(renewDeadlineMs));
    try {
      const lease = await api.readNamespacedLease({ name, namespace }, request);
      const record = recordFromSpec(lease.spec);
      if (record.holderIdentity !== identity) return;
      const spec = { ...lease.spec, ...specFromRecord(releasedRecord(record, clock())) };
      await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } }, request);
      log.info('released lease');
    } catch (err) {
      if (!isNotFound(err)) log.warn('could not release lease', { error: err });
    }
  }

  async function run(): Promise<void> {
    while (!stopping.signal.aborted) {
      if (leading && (startFailed || clock() - lastRenewAt >= renewDeadlineMs)) {
        // After a failed start the lease is released so that another candidate gets a turn.
        if (startFailed) await stepDown('onStartedLeading failed', 'warn', true);
        else await stepDown('could not renew the lease within the renew deadline', 'warn', false);
        await pause(candidateWait());
        continue;
      }
      const startedAt = clock();
      // A leader's request must not outlive its deadline; a candidate's just must not hang.
      const budget = leading ? lastRenewAt + renewDeadlineMs - startedAt : renewDeadlineMs;
      const result = await attempt(budget);
      if (stopping.signal.aborted) break;
      if (result.outcome === 'won') {
        if (leading) lastRenewAt = startedAt;
        else becomeLeader(startedAt);
      } else if (result.outcome === 'held' && leading) {
        await stepDown(`lease taken by ${result.holder}`, 'warn', false);
      }
      // A leader wakes up by its deadline at the latest.
      await pause(
        leading ? Math.min(retryMs, lastRenewAt + renewDeadlineMs - clock()) : candidateWait(),
      );
    }
  }

  // Candidates add jitter so that several of them do not poll in lockstep.
  const candidateWait = () => retryMs * (1 + 0.2 * Math.random());
  const pause = (ms: number) =>
    sleep(Math.max(0, ms), undefined, { signal: stopping.signal }).catch(() => undefined);

  const running = run().catch((err: unknown) =>
    log.error('leader election failed', { error: err }),
  );
  let stopped: Promise<void> | undefined;

  return {
    isLeader: () => leading,
    stop: () => {
      stopped ??= (async () => {
        stopping.abort();
        await running;
        if (leading) await stepDown('stopping', 'info', false);
        // Also a candidate that won a write just as it was stopped holds the lease: release it.
        await releaseLease();
      })();
      return stopped;
    },
  };
}

/** Request options that abort the HTTP request on `signal`: a hung request must not block. */
function requestOptions(signal: AbortSignal): k8s.ConfigurationOptions {
  const middleware: k8s.ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new k8s.Observable(Promise.resolve(context));
    },
    post: (response) => new k8s.Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
