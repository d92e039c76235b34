// The earlier Go controller's Deployments pass these flags; each must still set its field.
import { LEGACY_FLAG_ALIASES } from '../../../src/config/legacy-flags';
import { loadConfig, resolveConfig } from '../../../src/config/load';
import type { Config } from '../../../src/config/schema';

const cases: Array<{ argv: string[]; path: string; read: (c: Config) => unknown; want: unknown }> =
  [
    {
      argv: ['--kubeconfig', '/root/.kube/config'],
      path: 'controller.kubeconfig',
      read: (c) => c.controller.kubeconfig,
      want: '/root/.kube/config',
    },
    {
      argv: ['--metrics-addr', ':9090'],
      path: 'metrics.bindAddress',
      read: (c) => c.metrics.bindAddress,
      want: ':9090',
    },
    {
      argv: ['--health-addr=127.0.0.1:9091'],
      path: 'health.bindAddress',
      read: (c) => c.health.bindAddress,
      want: '127.0.0.1:9091',
    },
    {
      argv: ['--leader-election=false'],
      path: 'leaderElection.enabled',
      read: (c) => c.leaderElection.enabled,
      want: false,
    },
    {
      argv: ['--vpsie-secret-name', 'my-vpsie'],
      path: 'vpsie.secretName',
      read: (c) => c.vpsie.secretName,
      want: 'my-vpsie',
    },
    {
      argv: ['--vpsie-secret-namespace', 'autoscaler'],
      path: 'vpsie.secretNamespace',
      read: (c) => c.vpsie.secretNamespace,
      want: 'autoscaler',
    },
    {
      argv: ['--default-datacenter-id', 'dc-ams'],
      path: 'scaling.defaultDatacenterId',
      read: (c) => c.scaling.defaultDatacenterId,
      want: 'dc-ams',
    },
    {
      argv: ['--default-offering-ids', 'off-1,off-2'],
      path: 'scaling.defaultOfferingIds',
      read: (c) => c.scaling.defaultOfferingIds,
      want: ['off-1', 'off-2'],
    },
    {
      argv: ['--log-level', 'debug'],
      path: 'logging.level',
      read: (c) => c.logging.level,
      want: 'debug',
    },
    {
      argv: ['--log-format=text'],
      path: 'logging.format',
      read: (c) => c.logging.format,
      want: 'text',
    },
    {
      argv: ['--failed-vpsienode-ttl', '30m'],
      path: 'controller.failedVpsieNodeTtl',
      read: (c) => c.controller.failedVpsieNodeTtl,
      want: 1800,
    },
  ];

test.each(cases)('$argv sets $path', ({ argv, read, want }) => {
  expect(read(resolveConfig({ argv }).config)).toEqual(want);
});

test('every legacy alias has a case above', () => {
  const tested = new Map(cases.map((c) => [c.argv[0]!.split('=')[0], c.path]));
  expect(Object.fromEntries(tested)).toEqual(LEGACY_FLAG_ALIASES);
});

test('--leader-election alone turns leader election on, as Go bool flags did', () => {
  const off = resolveConfig({ env: { VPSIE_AUTOSCALER_LEADER_ELECTION_ENABLED: 'false' } });
  expect(off.config.leaderElection.enabled).toBe(false);
  const on = resolveConfig({
    argv: ['--leader-election'],
    env: { VPSIE_AUTOSCALER_LEADER_ELECTION_ENABLED: 'false' },
  });
  expect(on.config.leaderElection.enabled).toBe(true);
});

test('--failed-vpsienode-ttl takes Go durations in any combination of units', () => {
  const ttl = (value: string) =>
    resolveConfig({ argv: [`--failed-vpsienode-ttl=${value}`] }).config.controller
      .failedVpsieNodeTtl;
  expect(ttl('1h30m')).toBe(5400);
  expect(ttl('2h')).toBe(7200);
  expect(ttl('90s')).toBe(90);
  expect(ttl('1m30s')).toBe(90);
  expect(ttl('1.5h')).toBe(5400);
  expect(ttl('0')).toBe(0);
});

test('--default-ssh-key-ids takes a comma list', () => {
  expect(
    resolveConfig({ argv: ['--default-ssh-key-ids', 'k1,k2'] }).config.defaultSshKeyIds,
  ).toEqual(['k1', 'k2']);
});

test('--config-file names the YAML file, with a space or an equals sign', () => {
  const readFile = () => 'logging:\n  format: text\n';
  for (const argv of [['--config-file', '/etc/a.yaml'], ['--config-file=/etc/a.yaml']]) {
    const loaded = loadConfig({ argv, env: {}, readFile });
    expect(loaded.configFile).toBe('/etc/a.yaml');
    expect(loaded.config.logging.format).toBe('text');
  }
});

test('a whole Go-era command line loads', () => {
  const { config } = resolveConfig({
    argv: [
      '--kubeconfig=/kube',
      '--metrics-addr=:8080',
      '--health-addr=:8081',
      '--leader-election',
      '--vpsie-secret-name=vpsie-secret',
      '--vpsie-secret-namespace=kube-system',
      '--default-datacenter-id=dc1',
      '--default-offering-ids=o1,o2',
      '--log-level=info',
      '--log-format=json',
      '--failed-vpsienode-ttl=30m',
    ],
  });
  expect(config.scaling.defaultOfferingIds).toEqual(['o1', 'o2']);
  expect(config.controller.failedVpsieNodeTtl).toBe(1800);
});
