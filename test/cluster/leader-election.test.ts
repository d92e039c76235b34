// Leader election against the real API server, whose resourceVersion checks are what keep two
// candidates from both winning. Short timings (lease 3 s, renew deadline 2 s, retry 0.5 s) keep
// the tests quick. A network partition is a TCP proxy between one candidate and the API server
// that stops forwarding, so that candidate's requests hang exactly as they would on a real one.
import * as k8s from '@kubernetes/client-node';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { startLeaderElection, type LeaderElector } from '../../src/controller/leader-election';
import { silentLogger } from '../../src/logging/logger';
import { createTestNamespace, eventually, kubeConfig } from '../support/cluster';

const kc = kubeConfig();
const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
const LEASE = 'autoscaler-leader';
const TIMINGS = { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 0.5 };

// What the callbacks saw, across all candidates of a test: the order of start/stop, and
// whether one ever started while another still led.
let timeline: string[];
let leaders: Set<string>;
let overlaps: string[];
let electors: LeaderElector[];
let proxies: Proxy[];

beforeEach(() => {
  timeline = [];
  leaders = new Set();
  overlaps = [];
  electors = [];
  proxies = [];
});

afterEach(async () => {
  await Promise.all(electors.map((e) => e.stop()));
  await Promise.all(proxies.map((p) => p.close()));
  expect(overlaps).toEqual([]);
});

function candidate(namespace: string, identity: string, kubeConfig = kc): LeaderElector {
  const elector = startLeaderElection({
    kubeConfig,
    namespace,
    name: LEASE,
    identity,
    ...TIMINGS,
    logger: silentLogger,
    onStartedLeading: () => {
      if (leaders.size > 0) overlaps.push(`${identity} started while ${[...leaders]} led`);
      leaders.add(identity);
      timeline.push(`${identity} started`);
    },
    onStoppedLeading: () => {
      leaders.delete(identity);
      timeline.push(`${identity} stopped`);
    },
  });
  electors.push(elector);
  return elector;
}

const readLease = (namespace: string) =>
  coordination.readNamespacedLease({ name: LEASE, namespace });
const renewMs = (lease: k8s.V1Lease) => Date.parse(String(lease.spec?.renewTime));

type Pair = Record<'a' | 'b', LeaderElector>;
const pair = (namespace: string): Pair => ({
  a: candidate(namespace, 'a'),
  b: candidate(namespace, 'b'),
});

function leaderOf(candidates: Pair): Promise<'a' | 'b'> {
  return eventually('a leader', async () => {
    const leading = (['a', 'b'] as const).filter((id) => candidates[id].isLeader());
    return leading.length === 1 ? leading[0] : undefined;
  });
}

test('of two candidates exactly one leads, keeps renewing, and the Lease names it', async () => {
  const namespace = await createTestNamespace(kc, 'leader-one');
  const candidates = pair(namespace);
  const leader = await leaderOf(candidates);

  // Let the leader renew a few times; leadership must not move meanwhile.
  const first = renewMs(await readLease(namespace));
  const lease = await eventually('three renewals', async () => {
    const current = await readLease(namespace);
    return renewMs(current) >= first + 3 * 500 ? current : undefined;
  });
  expect(lease.spec).toMatchObject({
    holderIdentity: leader,
    leaseDurationSeconds: 3,
    leaseTransitions: 0,
  });
  expect(lease.spec?.renewTime).toMatch(/\.\d{6}Z$/);
  expect(Object.values(candidates).filter((c) => c.isLeader())).toHaveLength(1);
  expect(timeline).toEqual([`${leader} started`]);
});

test('a stopped leader releases the Lease and the other candidate takes over at once', async () => {
  const namespace = await createTestNamespace(kc, 'leader-release');
  const candidates = pair(namespace);
  const leader = await leaderOf(candidates);
  const follower = leader === 'a' ? 'b' : 'a';
  const lastRenew = renewMs(await readLease(namespace));

  await candidates[leader].stop();
  expect(candidates[leader].isLeader()).toBe(false);
  // Right after stop() the holder is cleared (or already the follower): a released lease.
  expect((await readLease(namespace)).spec?.holderIdentity).not.toBe(leader);

  await eventually(`${follower} leading`, async () =>
    candidates[follower].isLeader() ? true : undefined,
  );
  const lease = await readLease(namespace);
  expect(lease.spec).toMatchObject({ holderIdentity: follower, leaseTransitions: 1 });
  // Taken before the old lease could have expired, which only the release allows.
  const acquired = Date.parse(String(lease.spec?.acquireTime));
  expect(acquired).toBeLessThan(lastRenew + TIMINGS.leaseDurationSeconds * 1000);
  expect(timeline).toEqual([`${leader} started`, `${leader} stopped`, `${follower} started`]);
});

test('a partitioned leader stops leading before the other candidate takes over', async () => {
  const namespace = await createTestNamespace(kc, 'leader-partition');
  const proxy = await startProxy(new URL(kc.getCurrentCluster()!.server));
  const a = candidate(namespace, 'a', throughProxy(proxy.url));
  await eventually('a leading', async () => (a.isLeader() ? true : undefined));
  const b = candidate(namespace, 'b');

  proxy.partition();
  await eventually('b leading', async () => (b.isLeader() ? true : undefined));
  expect(a.isLeader()).toBe(false);
  // The safety property: a stepped down (renew deadline) before b started (lease expiry).
  expect(timeline).toEqual(['a started', 'a stopped', 'b started']);
  expect((await readLease(namespace)).spec).toMatchObject({
    holderIdentity: 'b',
    leaseTransitions: 1,
  });

  // Back on the network, a finds the lease held and does not lead again.
  proxy.heal();
  const renewed = renewMs(await readLease(namespace));
  await eventually('b renewing after the partition healed', async () =>
    renewMs(await readLease(namespace)) >= renewed + 2 * 500 ? true : undefined,
  );
  expect(a.isLeader()).toBe(false);
  expect(b.isLeader()).toBe(true);
});

test('a leader whose Lease is taken over by another identity stops leading', async () => {
  const namespace = await createTestNamespace(kc, 'leader-taken');
  const a = candidate(namespace, 'a');
  await eventually('a leading', async () => (a.isLeader() ? true : undefined));

  // Overwrite the holder as another replica would (same optimistic-concurrency rules).
  await eventually('lease overwritten', async () => {
    const lease = await readLease(namespace);
    lease.spec = { ...lease.spec, holderIdentity: 'intruder' };
    return coordination.replaceNamespacedLease({ name: LEASE, namespace, body: lease });
  });
  await eventually('a stepped down', async () => (a.isLeader() ? undefined : true));
  expect(timeline).toEqual(['a started', 'a stopped']);
  expect((await readLease(namespace)).spec?.holderIdentity).toBe('intruder');
});

// ---- a TCP proxy that can cut a candidate off the API server -----------------------------

interface Proxy {
  url: string;
  /** Stop forwarding: open connections and new ones hang, like a real partition. */
  partition(): void;
  /** Forward again; hung connections are closed so the client reconnects. */
  heal(): void;
  close(): Promise<void>;
}

async function startProxy(target: URL): Promise<Proxy> {
  const pairs = new Set<{ client: Socket; upstream?: Socket }>();
  let partitioned = false;
  const server: Server = createServer((client) => {
    const pair: { client: Socket; upstream?: Socket } = { client };
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      pair.upstream?.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    if (partitioned) return; // accepted, never answered
    const upstream = connect(Number(target.port), target.hostname);
    pair.upstream = upstream;
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const proxy: Proxy = {
    url: `https://127.0.0.1:${port}`,
    partition: () => {
      partitioned = true;
      for (const { client, upstream } of pairs) {
        // Silence both directions but keep the client's socket open: its requests just hang.
        client.unpipe();
        upstream?.unpipe();
        upstream?.removeAllListeners('close').destroy();
      }
    },
    heal: () => {
      partitioned = false;
      for (const { client } of pairs) client.destroy();
    },
    close: () => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  proxies.push(proxy);
  return proxy;
}

function throughProxy(url: string): k8s.KubeConfig {
  const proxied = new k8s.KubeConfig();
  proxied.loadFromOptions({
    clusters: kc.clusters.map((c) => ({ ...c, server: url })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.getCurrentContext(),
  });
  return proxied;
}
