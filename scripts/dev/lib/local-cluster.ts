// A real Kubernetes control plane without kubelets, bound to 127.0.0.1: etcd, kube-apiserver,
// kube-scheduler, kube-controller-manager, and kwok standing in for kubelets (it keeps fake
// nodes Ready and moves pods bound to them to Running). Used by the cluster tests and the demo.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { LOCAL_DIR, components, type KubeBinary } from './components';
import { ServiceExitedError, freePort, startService, stopService, waitUntil } from './processes';

export interface ClusterState {
  name: string;
  dir: string;
  kubeconfig: string;
  apiServerUrl: string;
  caFile: string;
  caKeyFile: string;
  ports: Record<
    'etcd' | 'etcdPeer' | 'apiserver' | 'scheduler' | 'controllerManager' | 'kwok',
    number
  >;
}

const SERVICES: KubeBinary[] = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
];
const SERVICE_CIDR = '10.96.0.0/16';
const START_TIMEOUT_MS = 120_000;

export function clusterDir(name: string): string {
  return join(LOCAL_DIR, 'clusters', name);
}

export function readClusterState(name: string): ClusterState | undefined {
  const file = join(clusterDir(name), 'state.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterState) : undefined;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`openssl ${args[0]} failed (is openssl installed?): ${String(err)}`);
  }
}

/** CA, API server serving cert and service-account key pair, generated once per cluster dir. */
function ensureCertificates(pki: string): void {
  if (existsSync(join(pki, 'sa.pub'))) return;
  mkdirSync(pki, { recursive: true });
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt'].concat(
      ['-days', '3650', '-subj', '/CN=vpsie-autoscaler-local-ca'],
    ),
    pki,
  );
  writeFileSync(
    join(pki, 'san.ext'),
    'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,' +
      'DNS:kubernetes.default,DNS:kubernetes.default.svc\n' +
      'extendedKeyUsage=serverAuth\n',
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'apiserver.key',
      '-out',
      'apiserver.csr',
      '-subj',
      '/CN=kube-apiserver',
    ],
    pki,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'apiserver.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
    ].concat(['-out', 'apiserver.crt', '-days', '3650', '-extfile', 'san.ext']),
    pki,
  );
  openssl(['genrsa', '-out', 'sa.key', '2048'], pki);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], pki);
}

function kubeconfigYaml(server: string, caFile: string, user: string, token: string): string {
  const ca = readFileSync(caFile).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: local',
    '  context:',
    '    cluster: local',
    `    user: ${user}`,
    'current-context: local',
    '',
  ].join('\n');
}

/** Identities: the admin (for us and tests) and one per control-plane component, as in kubeadm. */
function writeIdentities(dir: string, server: string, caFile: string): Record<string, string> {
  const users: Array<[string, string, string]> = [
    ['admin', 'admin', 'system:masters'],
    ['kube-scheduler', 'system:kube-scheduler', ''],
    ['kube-controller-manager', 'system:kube-controller-manager', ''],
    ['kwok', 'kwok', 'system:masters'],
  ];
  const kubeconfigs: Record<string, string> = {};
  const lines: string[] = [];
  for (const [file, user, groups] of users) {
    const token = randomBytes(24).toString('hex');
    lines.push(`${token},${user},${user}${groups ? `,"${groups}"` : ''}`);
    const path = join(dir, `${file}.kubeconfig`);
    writeFileSync(path, kubeconfigYaml(server, caFile, user, token), { mode: 0o600 });
    kubeconfigs[file] = path;
  }
  writeFileSync(join(dir, 'pki', 'tokens.csv'), lines.join('\n') + '\n', { mode: 0o600 });
  return kubeconfigs;
}

function httpsOk(url: string, options: { ca?: Buffer; token?: string }): Promise<boolean> {
  return new Promise((resolveOk) => {
    const req = request(
      url,
      {
        ca: options.ca,
        // Health ports of scheduler/controller-manager use self-signed loopback certs.
        rejectUnauthorized: options.ca !== undefined,
        headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
        timeout: 2000,
      },
      (res) => {
        res.resume();
        resolveOk(res.statusCode === 200);
      },
    );
    req.on('error', () => resolveOk(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function httpOk(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );
}

/**
 * Starts a clean cluster. Ports are picked free but not reserved, so another process can take
 * one before our component binds it; a component that exits while starting is retried on new
 * ports.
 */
export async function startCluster(name: string): Promise<ClusterState> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce(name);
    } catch (err) {
      if (!(err instanceof ServiceExitedError) || attempt >= 3) throw err;
      process.stderr.write(`control plane '${name}': ${err.message}; retrying on new ports\n`);
    }
  }
}

async function startClusterOnce(name: string): Promise<ClusterState> {
  const bin = (cmd: KubeBinary) => components.kubeBinary(cmd);
  const dir = clusterDir(name);
  await stopCluster(name);
  // Every start is a clean cluster: stale objects from a previous run would make tests lie.
  rmSync(join(dir, 'etcd'), { recursive: true, force: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const pki = join(dir, 'pki');
  ensureCertificates(pki);

  const ports = {
    etcd: await freePort(),
    etcdPeer: await freePort(),
    apiserver: await freePort(),
    scheduler: await freePort(),
    controllerManager: await freePort(),
    kwok: await freePort(),
  };
  const apiServerUrl = `https://127.0.0.1:${ports.apiserver}`;
  const caFile = join(pki, 'ca.crt');
  const kubeconfigs = writeIdentities(dir, apiServerUrl, caFile);
  const log = (svc: string) => join(dir, 'logs', `${svc}.log`);
  const pid = (svc: string) => join(dir, `${svc}.pid`);
  const pids: Partial<Record<KubeBinary, number>> = {};
  const service = (svc: KubeBinary, args: string[]) => {
    pids[svc] = startService({
      name: svc,
      command: bin(svc),
      args,
      logFile: log(svc),
      pidFile: pid(svc),
    });
  };

  const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  service('etcd', [
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--name=default',
  ]);
  await waitUntil(
    'etcd',
    START_TIMEOUT_MS,
    () => httpOk(`${etcdUrl}/health`),
    log('etcd'),
    pids['etcd'],
  );

  service('kube-apiserver', [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
    `--client-ca-file=${caFile}`,
    `--token-auth-file=${join(pki, 'tokens.csv')}`,
    '--enable-bootstrap-token-auth=true',
    '--authorization-mode=Node,RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(pki, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--allow-privileged=true',
    '--profiling=false',
    // Streaming watch lists need etcd progress notify, which Debian's etcd 3.4.23 lacks: with
    // WatchList on, kwok's watches kept ending ("required storage feature RequestWatchProgress
    // is disabled") and it lagged by a relist (up to a minute). Off, clients list+watch.
    '--feature-gates=WatchList=false',
  ]);
  const ca = readFileSync(caFile);
  await waitUntil(
    'kube-apiserver',
    START_TIMEOUT_MS,
    () => httpsOk(`${apiServerUrl}/readyz`, { ca }),
    log('kube-apiserver'),
    pids['kube-apiserver'],
  );

  service('kube-controller-manager', [
    `--kubeconfig=${kubeconfigs['kube-controller-manager']}`,
    `--authentication-kubeconfig=${kubeconfigs['kube-controller-manager']}`,
    `--authorization-kubeconfig=${kubeconfigs['kube-controller-manager']}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.controllerManager}`,
    `--cert-dir=${join(dir, 'kcm-certs')}`,
    '--leader-elect=false',
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${join(pki, 'sa.key')}`,
    `--root-ca-file=${caFile}`,
    `--cluster-signing-cert-file=${caFile}`,
    `--cluster-signing-key-file=${join(pki, 'ca.key')}`,
    // bootstrapsigner/tokencleaner are off by default; kubeadm clusters (ours to join) run them.
    '--controllers=*,bootstrapsigner,tokencleaner',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
  ]);
  service('kube-scheduler', [
    `--kubeconfig=${kubeconfigs['kube-scheduler']}`,
    `--authentication-kubeconfig=${kubeconfigs['kube-scheduler']}`,
    `--authorization-kubeconfig=${kubeconfigs['kube-scheduler']}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.scheduler}`,
    `--cert-dir=${join(dir, 'scheduler-certs')}`,
    '--leader-elect=false',
  ]);
  service('kwok', [
    `--kubeconfig=${kubeconfigs['kwok']}`,
    `--config=${components.kubeBinary('kwok')}-stages.yaml`,
    `--server-address=127.0.0.1:${ports.kwok}`,
    '--manage-all-nodes=false',
    '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    '--node-lease-duration-seconds=40',
    '--cidr=10.244.0.0/16',
    '--node-ip=10.244.0.1',
  ]);
  await waitUntil(
    'kube-controller-manager',
    START_TIMEOUT_MS,
    () => httpsOk(`https://127.0.0.1:${ports.controllerManager}/healthz`, {}),
    log('kube-controller-manager'),
    pids['kube-controller-manager'],
  );
  await waitUntil(
    'kube-scheduler',
    START_TIMEOUT_MS,
    () => httpsOk(`https://127.0.0.1:${ports.scheduler}/healthz`, {}),
    log('kube-scheduler'),
    pids['kube-scheduler'],
  );
  await waitUntil(
    'kwok',
    START_TIMEOUT_MS,
    () => httpOk(`http://127.0.0.1:${ports.kwok}/healthz`),
    log('kwok'),
    pids['kwok'],
  );

  const state: ClusterState = {
    name,
    dir,
    kubeconfig: kubeconfigs['admin']!,
    apiServerUrl,
    caFile,
    caKeyFile: join(pki, 'ca.key'),
    ports,
  };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state, null, 2));
  return state;
}

export async function stopCluster(name: string): Promise<void> {
  const dir = clusterDir(name);
  // Reverse start order: clients first, etcd last.
  for (const svc of [...SERVICES].reverse()) await stopService(join(dir, `${svc}.pid`));
  rmSync(join(dir, 'state.json'), { force: true });
}
