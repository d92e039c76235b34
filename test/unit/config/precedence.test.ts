import { configOrigins, loadConfig, resolveConfig } from '../../../src/config/load';
import { yamlFile } from './helpers';

// One field of each kind, set by every source, so each source's win is visible.
const file = yamlFile(`
logging:
  level: warn
vpsie:
  requestTimeoutSeconds: 11
leaderElection:
  enabled: false
scaling:
  defaultOfferingIds: [file-a]
controller:
  failedVpsieNodeTtl: 10m
`);
const env = {
  VPSIE_AUTOSCALER_LOGGING_LEVEL: 'error',
  VPSIE_AUTOSCALER_VPSIE_REQUEST_TIMEOUT_SECONDS: '22',
  VPSIE_AUTOSCALER_LEADER_ELECTION_ENABLED: 'true',
  VPSIE_AUTOSCALER_SCALING_DEFAULT_OFFERING_IDS: 'env-a,env-b',
  VPSIE_AUTOSCALER_CONTROLLER_FAILED_VPSIE_NODE_TTL: '20m',
};
const argv = [
  '--logging.level=debug',
  '--vpsie.request-timeout-seconds',
  '33',
  '--leader-election.enabled=false',
  '--scaling.default-offering-ids=flag-a',
  '--controller.failed-vpsie-node-ttl=1h',
];

function pick(config: ReturnType<typeof resolveConfig>['config']) {
  return {
    level: config.logging.level,
    timeout: config.vpsie.requestTimeoutSeconds,
    leader: config.leaderElection.enabled,
    offerings: config.scaling.defaultOfferingIds,
    ttl: config.controller.failedVpsieNodeTtl,
  };
}

test('defaults apply when no source sets a field', () => {
  expect(pick(resolveConfig({}).config)).toEqual({
    level: 'info',
    timeout: 30,
    leader: true,
    offerings: [],
    ttl: 1800,
  });
});

test('the file beats the defaults', () => {
  expect(pick(resolveConfig({ file }).config)).toEqual({
    level: 'warn',
    timeout: 11,
    leader: false,
    offerings: ['file-a'],
    ttl: 600,
  });
});

test('env beats the file', () => {
  expect(pick(resolveConfig({ file, env }).config)).toEqual({
    level: 'error',
    timeout: 22,
    leader: true,
    offerings: ['env-a', 'env-b'],
    ttl: 1200,
  });
});

test('flags beat env and the file', () => {
  expect(pick(resolveConfig({ file, env, argv }).config)).toEqual({
    level: 'debug',
    timeout: 33,
    leader: false,
    offerings: ['flag-a'],
    ttl: 3600,
  });
});

test('each field is decided on its own: a flag for one field leaves the others to env and file', () => {
  const { config } = resolveConfig({ file, env, argv: ['--log-level=debug'] });
  expect(pick(config)).toMatchObject({
    level: 'debug',
    timeout: 22,
    offerings: ['env-a', 'env-b'],
  });
  // Untouched by every source: still the default.
  expect(config.metrics.bindAddress).toBe(':8080');
});

test('the source of every field is reported, defaults left out of the origins summary', () => {
  const loaded = resolveConfig({ file, env, argv: ['--log-level=debug'] });
  expect(loaded.sources.get('logging.level')).toEqual({ kind: 'flag', name: '--log-level' });
  expect(loaded.sources.get('metrics.bindAddress')).toEqual({ kind: 'default' });
  expect(configOrigins(loaded)).toEqual({
    'logging.level': 'flag --log-level',
    'vpsie.requestTimeoutSeconds': 'env VPSIE_AUTOSCALER_VPSIE_REQUEST_TIMEOUT_SECONDS',
    'leaderElection.enabled': 'env VPSIE_AUTOSCALER_LEADER_ELECTION_ENABLED',
    'scaling.defaultOfferingIds': 'env VPSIE_AUTOSCALER_SCALING_DEFAULT_OFFERING_IDS',
    'controller.failedVpsieNodeTtl': 'env VPSIE_AUTOSCALER_CONTROLLER_FAILED_VPSIE_NODE_TTL',
  });
});

test('an empty env var counts as unset, so the file value stays', () => {
  const { config } = resolveConfig({ file, env: { VPSIE_AUTOSCALER_LOGGING_LEVEL: '' } });
  expect(config.logging.level).toBe('warn');
});

test('an empty flag unsets an optional string and empties a list', () => {
  const withValues = yamlFile('controller:\n  kubeconfig: /kube\ndefaultSshKeyIds: [a]\n');
  const { config } = resolveConfig({
    file: withValues,
    argv: ['--kubeconfig=', '--default-ssh-key-ids='],
  });
  expect(config.controller.kubeconfig).toBeUndefined();
  expect(config.defaultSshKeyIds).toEqual([]);
});

test('lists from env and flags are comma-separated and trimmed; list flags may repeat', () => {
  expect(
    resolveConfig({ env: { VPSIE_AUTOSCALER_DEFAULT_SSH_KEY_IDS: 'a, b,,c' } }).config
      .defaultSshKeyIds,
  ).toEqual(['a', 'b', 'c']);
  expect(
    resolveConfig({ argv: ['--default-ssh-key-ids=a,b', '--default-ssh-key-ids', 'c'] }).config
      .defaultSshKeyIds,
  ).toEqual(['a', 'b', 'c']);
});

test('booleans from env accept the spellings Go accepted', () => {
  const enabled = (value: string) =>
    resolveConfig({ env: { VPSIE_AUTOSCALER_FEATURES_SCALE_DOWN_ENABLED: value } }).config.features
      .scaleDownEnabled;
  expect(['true', 'TRUE', '1', 't', 'yes'].map(enabled)).toEqual([true, true, true, true, true]);
  expect(['false', 'False', '0', 'f', 'no'].map(enabled)).toEqual([
    false,
    false,
    false,
    false,
    false,
  ]);
});

test('numbers in YAML text fields are read as text (unquoted ids)', () => {
  const { config } = resolveConfig({
    file: yamlFile('scaling:\n  defaultDatacenterId: 42\n  defaultOfferingIds: [7, 8]\n'),
  });
  expect(config.scaling.defaultDatacenterId).toBe('42');
  expect(config.scaling.defaultOfferingIds).toEqual(['7', '8']);
});

test('loadConfig reads the file named by --config-file, which beats VPSIE_AUTOSCALER_CONFIG_FILE', () => {
  const files: Record<string, string> = {
    '/from-flag.yaml': 'logging:\n  level: debug\n',
    '/from-env.yaml': 'logging:\n  level: warn\n',
  };
  const readFile = (path: string) => files[path]!;
  const viaEnv = loadConfig({
    argv: [],
    env: { VPSIE_AUTOSCALER_CONFIG_FILE: '/from-env.yaml' },
    readFile,
  });
  expect(viaEnv.config.logging.level).toBe('warn');
  expect(viaEnv.configFile).toBe('/from-env.yaml');
  const viaFlag = loadConfig({
    argv: ['--config-file=/from-flag.yaml'],
    env: { VPSIE_AUTOSCALER_CONFIG_FILE: '/from-env.yaml' },
    readFile,
  });
  expect(viaFlag.config.logging.level).toBe('debug');
  expect(viaFlag.sources.get('logging.level')).toEqual({
    kind: 'file',
    file: '/from-flag.yaml',
    key: 'logging.level',
  });
});

test('the resolved config is frozen', () => {
  const { config } = resolveConfig({});
  expect(Object.isFrozen(config.scaling)).toBe(true);
  expect(Object.isFrozen(config.defaultSshKeyIds)).toBe(true);
});
