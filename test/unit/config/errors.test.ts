import { ConfigError } from '../../../src/config/config-error';
import { resolveConfig } from '../../../src/config/load';
import { problemsOf, yamlFile } from './helpers';

describe('a value that is not allowed names the field, the value, its source and what is allowed', () => {
  test('from env', () => {
    expect(problemsOf({ env: { VPSIE_AUTOSCALER_LOGGING_LEVEL: 'verbose' } })).toEqual([
      'logging.level: "verbose" from env VPSIE_AUTOSCALER_LOGGING_LEVEL is not allowed; expected one of debug, info, warn, error',
    ]);
  });

  test('from a flag, by the name that was used', () => {
    expect(problemsOf({ argv: ['--log-format=xml'] })).toEqual([
      'logging.format: "xml" from flag --log-format is not allowed; expected one of json, text',
    ]);
  });

  test('from the file, with file and key', () => {
    expect(
      problemsOf({ file: yamlFile('scaling:\n  maxNodesPerScaleUp: 0\n', '/etc/va.yaml') }),
    ).toEqual([
      'scaling.maxNodesPerScaleUp: 0 from file /etc/va.yaml:scaling.maxNodesPerScaleUp is not allowed; expected an integer from 1 to 10000',
    ]);
  });

  test('text that is not a number', () => {
    expect(problemsOf({ env: { VPSIE_AUTOSCALER_VPSIE_MAX_RETRIES: 'three' } })).toEqual([
      'vpsie.maxRetries: "three" from env VPSIE_AUTOSCALER_VPSIE_MAX_RETRIES is not allowed; expected an integer',
    ]);
  });

  test('a fraction where an integer is needed', () => {
    expect(problemsOf({ argv: ['--vpsie.max-retries=1.5'] })).toEqual([
      'vpsie.maxRetries: 1.5 from flag --vpsie.max-retries is not allowed; expected an integer from 0 to 10',
    ]);
  });

  test('a number out of range', () => {
    expect(
      problemsOf({ env: { VPSIE_AUTOSCALER_SCALING_SCALE_DOWN_UTILIZATION_THRESHOLD: '1.5' } }),
    ).toEqual([
      'scaling.scaleDownUtilizationThreshold: 1.5 from env VPSIE_AUTOSCALER_SCALING_SCALE_DOWN_UTILIZATION_THRESHOLD is not allowed; expected a number > 0, <= 1',
    ]);
  });

  test('a bad boolean', () => {
    expect(problemsOf({ argv: ['--leader-election=maybe'] })).toEqual([
      'leaderElection.enabled: "maybe" from flag --leader-election is not allowed; expected true or false',
    ]);
  });

  test('a bad duration', () => {
    expect(problemsOf({ argv: ['--failed-vpsienode-ttl', '30 minutes'] })).toEqual([
      'controller.failedVpsieNodeTtl: "30 minutes" from flag --failed-vpsienode-ttl is not allowed; expected a duration such as 90s, 30m or 1h30m (units h, m, s, ms; a bare number means seconds)',
    ]);
  });

  test('one bad item of a list, by its index', () => {
    expect(problemsOf({ argv: ['--scaling.expanders=priority,cheapest'] })).toEqual([
      'scaling.expanders[1]: "cheapest" from flag --scaling.expanders is not allowed; expected one of least-waste, price, most-pods, least-nodes, priority, random',
    ]);
  });

  test('a wrong YAML type', () => {
    expect(problemsOf({ file: yamlFile('features:\n  scaleDownEnabled: "no"\n') })).toEqual([
      'features.scaleDownEnabled: "no" from file config.yaml:features.scaleDownEnabled is not allowed; expected true or false',
    ]);
    expect(problemsOf({ file: yamlFile('defaultSshKeyIds: a,b\n') })).toEqual([
      'defaultSshKeyIds: "a,b" from file config.yaml:defaultSshKeyIds is not allowed; expected a list',
    ]);
    expect(problemsOf({ file: yamlFile('logging: debug\n') })).toEqual([
      'logging: "debug" from file config.yaml:logging is not allowed; expected a mapping of its settings',
    ]);
  });

  test('bad addresses and Kubernetes names', () => {
    expect(
      problemsOf({
        argv: ['--metrics-addr=8080', '--temporal.address=:7233', '--vpsie-secret-name=My_Secret'],
      }),
    ).toEqual([
      'temporal.address: ":7233" from flag --temporal.address is not allowed; expected an address host:port such as 127.0.0.1:7233',
      'vpsie.secretName: "My_Secret" from flag --vpsie-secret-name is not allowed; expected a Kubernetes object name (lowercase letters, digits, "-" and ".", at most 253 characters)',
      'metrics.bindAddress: "8080" from flag --metrics-addr is not allowed; expected an address [host]:port such as :8080 or 0.0.0.0:8080',
    ]);
  });
});

test('every problem from every source is reported in one error', () => {
  let error: unknown;
  try {
    resolveConfig({
      argv: ['--log-level=loud', '--metrics-adr=:1'],
      env: { VPSIE_AUTOSCALER_LOGGING_FORMAT: 'xml', VPSIE_AUTOSCALER_TEMPORAL_ADRESS: 'x:1' },
      file: yamlFile('vpsie:\n  maxRetries: -1\n  baseUrll: x\n'),
    });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const { message, problems } = error as ConfigError;
  expect(problems).toHaveLength(6);
  expect(message.split('\n')[0]).toBe('invalid configuration (6 problems):');
  for (const problem of problems) expect(message).toContain(`  - ${problem}`);
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringContaining('unknown flag --metrics-adr; did you mean --metrics-addr?'),
      expect.stringContaining(
        'unknown environment variable VPSIE_AUTOSCALER_TEMPORAL_ADRESS; did you mean VPSIE_AUTOSCALER_TEMPORAL_ADDRESS?',
      ),
      'file config.yaml: unknown key vpsie.baseUrll; did you mean vpsie.baseUrl?',
      expect.stringContaining('logging.level: "loud" from flag --log-level'),
      expect.stringContaining('logging.format: "xml" from env VPSIE_AUTOSCALER_LOGGING_FORMAT'),
      expect.stringContaining('vpsie.maxRetries: -1 from file config.yaml:vpsie.maxRetries'),
    ]),
  );
});

describe('unknown names are errors, with a suggestion when one is close', () => {
  test('flags', () => {
    expect(problemsOf({ argv: ['--log-levle=debug', '--totally-unknown', 'value'] })).toEqual([
      'unknown flag --log-levle; did you mean --log-level?',
      'unknown flag --totally-unknown',
    ]);
  });

  test('single-dash Go spelling', () => {
    expect(problemsOf({ argv: ['-kubeconfig', '/kube'] })).toEqual([
      'unknown flag -kubeconfig; did you mean --kubeconfig?',
    ]);
  });

  test('stray arguments and flags missing their value', () => {
    expect(problemsOf({ argv: ['run', '--log-level'] })).toEqual([
      'unexpected argument "run"; settings are flags (--name=value)',
      'flag --log-level needs a value',
    ]);
  });

  test('env vars with our prefix, but not other env vars', () => {
    expect(
      problemsOf({
        env: {
          VPSIE_AUTOSCALER_LOGING_LEVEL: 'debug',
          PATH: '/bin',
          VPSIE_OTHER: 'x',
          // The scripts' cache and runtime folders share the prefix but are not settings.
          VPSIE_AUTOSCALER_CACHE: '/tmp/cache',
          VPSIE_AUTOSCALER_LOCAL: '/tmp/local',
        },
      }),
    ).toEqual([
      'unknown environment variable VPSIE_AUTOSCALER_LOGING_LEVEL; did you mean VPSIE_AUTOSCALER_LOGGING_LEVEL?',
    ]);
  });

  test('YAML keys: typos, snake_case, and right name in the wrong section', () => {
    expect(
      problemsOf({
        file: yamlFile(
          'scaling:\n  scale_down_unneeded_seconds: 60\n  scaleDownUtilisationThreshold: 0.4\nlevel: debug\nwidgets: 3\n',
        ),
      }),
    ).toEqual([
      'file config.yaml: unknown key scaling.scale_down_unneeded_seconds; did you mean scaling.scaleDownUnneededSeconds?',
      'file config.yaml: unknown key scaling.scaleDownUtilisationThreshold; did you mean scaling.scaleDownUtilizationThreshold?',
      'file config.yaml: unknown key level; did you mean logging.level?',
      'file config.yaml: unknown key widgets',
    ]);
  });
});

test('Kubernetes service-link variables under our prefix are not mistaken for settings', () => {
  const { config } = resolveConfig({
    env: {
      VPSIE_AUTOSCALER_SERVICE_HOST: '10.0.0.1',
      VPSIE_AUTOSCALER_SERVICE_PORT: '8080',
      VPSIE_AUTOSCALER_SERVICE_PORT_METRICS: '8080',
      VPSIE_AUTOSCALER_PORT: 'tcp://10.0.0.1:8080',
      VPSIE_AUTOSCALER_PORT_8080_TCP: 'tcp://10.0.0.1:8080',
      VPSIE_AUTOSCALER_PORT_8080_TCP_ADDR: '10.0.0.1',
      VPSIE_AUTOSCALER_METRICS_PORT_8080_TCP_PROTO: 'tcp',
    },
  });
  expect(config.metrics.bindAddress).toBe(':8080');
});

test('YAML syntax errors name the file and line', () => {
  expect(problemsOf({ file: yamlFile('logging:\n  level: info\n  level: debug\n') })).toEqual([
    'file config.yaml line 3: Map keys must be unique',
  ]);
  expect(problemsOf({ file: yamlFile('[1, 2]\n') })).toEqual([
    'file config.yaml: expected a mapping of sections (controller:, vpsie:, ...)',
  ]);
});

test('an unreadable config file is a problem, not a crash', () => {
  expect(problemsOf({ file: { path: '/nope.yaml', error: 'cannot be read: ENOENT' } })).toEqual([
    'file /nope.yaml: cannot be read: ENOENT',
  ]);
});

describe('rules between fields', () => {
  test('TLS files need TLS enabled, and certificate and key go together', () => {
    expect(problemsOf({ argv: ['--temporal.tls.cert-file=/c.pem'] })).toEqual([
      'temporal.tls.certFile and temporal.tls.keyFile must be set together',
      'temporal.tls files are set but temporal.tls.enabled is false; enable TLS or remove the files',
    ]);
  });

  test('metrics and health cannot share a port', () => {
    expect(problemsOf({ argv: ['--health-addr=0.0.0.0:8080'] })).toEqual([
      'metrics.bindAddress and health.bindAddress (:8080, 0.0.0.0:8080) use the same port; give them different ports (health.bindAddress from flag --health-addr)',
    ]);
    // Different hosts on the same port are fine.
    expect(() =>
      resolveConfig({ argv: ['--metrics-addr=127.0.0.1:9000', '--health-addr=10.0.0.1:9000'] }),
    ).not.toThrow();
  });

  test('lease timings must be ordered', () => {
    expect(
      problemsOf({ env: { VPSIE_AUTOSCALER_LEADER_ELECTION_RENEW_DEADLINE_SECONDS: '20' } }),
    ).toEqual([
      'leaderElection needs leaseDurationSeconds > renewDeadlineSeconds > retryPeriodSeconds (leaderElection.renewDeadlineSeconds from env VPSIE_AUTOSCALER_LEADER_ELECTION_RENEW_DEADLINE_SECONDS)',
    ]);
  });

  test('samples must cover the unneeded window', () => {
    expect(problemsOf({ argv: ['--scaling.utilization-sample-retention-seconds=300'] })).toEqual([
      expect.stringContaining(
        'scaling.utilizationSampleRetentionSeconds must cover scaling.scaleDownUnneededSeconds',
      ),
    ]);
  });
});
