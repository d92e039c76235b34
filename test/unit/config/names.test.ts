// Env var and flag names are derived from schema paths; they must be predictable and unique.
import { CREDENTIAL_ENV } from '../../../src/config/credential-names';
import {
  CONFIG_FIELDS,
  CONFIG_FILE_ENV,
  envNameFor,
  fieldByEnv,
  fieldByFlag,
  flagNameFor,
} from '../../../src/config/fields';
import { renderHelp, wantsHelp } from '../../../src/config/help';
import { parseFlags } from '../../../src/config/sources';

test('names follow the path: upper snake case for env, kebab case with dots for flags', () => {
  expect(envNameFor(['logging', 'level'])).toBe('VPSIE_AUTOSCALER_LOGGING_LEVEL');
  expect(envNameFor(['defaultSshKeyIds'])).toBe('VPSIE_AUTOSCALER_DEFAULT_SSH_KEY_IDS');
  expect(flagNameFor(['vpsie', 'circuitBreaker', 'openSeconds'])).toBe(
    '--vpsie.circuit-breaker.open-seconds',
  );
  expect(fieldByEnv('VPSIE_AUTOSCALER_VPSIE_CIRCUIT_BREAKER_FAILURE_THRESHOLD')?.path).toBe(
    'vpsie.circuitBreaker.failureThreshold',
  );
  expect(fieldByFlag('--default-ssh-key-ids')?.path).toBe('defaultSshKeyIds');
});

test('every env var and flag names exactly one thing, credentials included', () => {
  const names = [
    ...CONFIG_FIELDS.flatMap((field) => [field.env, ...field.flags]),
    CONFIG_FILE_ENV,
    '--config-file',
    ...Object.values(CREDENTIAL_ENV),
  ];
  expect(new Set(names).size).toBe(names.length);
});

test('every field has a description and either a default or is explicitly optional', () => {
  for (const field of CONFIG_FIELDS) {
    expect(field.description.length).toBeGreaterThan(10);
    expect(field.optional || field.defaultValue !== undefined).toBe(true);
  }
});

test('--help is recognised and lists every flag and env var', () => {
  expect(wantsHelp(['--log-level=debug', '--help'])).toBe(true);
  expect(wantsHelp(['--log-level=debug'])).toBe(false);
  expect(parseFlags(['-h']).problems).toEqual([]);
  const help = renderHelp();
  for (const field of CONFIG_FIELDS) {
    for (const name of [field.env, ...field.flags]) expect(help).toContain(name);
  }
  expect(help).toContain('--config-file');
});
