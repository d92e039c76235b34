// Credentials have one home (Secret, env or credentials file) and must never surface in the
// Config, its JSON, its logs, or an error message, even when someone puts them in the wrong place.
import { inspect } from 'node:util';
import { createLogger } from '../../../src/logging/logger';
import { credentialsFromEnv, resolveCredentials } from '../../../src/config/credentials';
import { configOrigins, resolveConfig } from '../../../src/config/load';
import { problemsOf, yamlFile } from './helpers';

const TOKEN = 'tok-9f8e7d6c5b4a';
const CLIENT_SECRET = 'cs-1234567890abcdef';

const credentialEnv = {
  VPSIE_AUTOSCALER_VPSIE_TOKEN: TOKEN,
  VPSIE_AUTOSCALER_LOGGING_LEVEL: 'debug',
};

function logLines(fields: Record<string, unknown>): string {
  const lines: string[] = [];
  // The logging section plugs straight into the project logger.
  const { logging } = resolveConfig({}).config;
  createLogger({ ...logging, write: (line) => lines.push(line) }).info('loaded', fields);
  return lines.join('\n');
}

test('the Config holds no credentials: not in its JSON, its inspection, or a log line', () => {
  const loaded = resolveConfig({ env: credentialEnv });
  expect(loaded.config.logging.level).toBe('debug');
  const renderings = [
    JSON.stringify(loaded.config),
    inspect(loaded, { depth: 10 }),
    logLines({ config: loaded.config, origins: configOrigins(loaded) }),
  ];
  for (const text of renderings) expect(text).not.toContain(TOKEN);
});

test('resolved credentials print as placeholders in JSON, inspect and logs', async () => {
  const env = {
    VPSIE_AUTOSCALER_VPSIE_CLIENT_ID: 'client-1',
    VPSIE_AUTOSCALER_VPSIE_CLIENT_SECRET: CLIENT_SECRET,
  };
  const resolved = await resolveCredentials(resolveConfig({}).config, env, {
    readPath: () => Promise.reject(new Error('not used')),
    readSecret: () => Promise.reject(new Error('not used')),
  });
  // Usable by the client...
  expect(resolved.credentials).toEqual({
    kind: 'client',
    clientId: 'client-1',
    clientSecret: CLIENT_SECRET,
  });
  // ...but never printable.
  for (const text of [
    JSON.stringify(resolved),
    JSON.stringify(resolved.credentials),
    inspect(resolved),
    inspect(resolved.credentials),
    `${JSON.stringify({ nested: resolved })}`,
    logLines({ credentials: resolved }),
  ]) {
    expect(text).not.toContain(CLIENT_SECRET);
  }
  expect(JSON.parse(JSON.stringify(resolved))).toEqual({
    credentials: { kind: 'client', clientId: 'client-1', clientSecret: '[REDACTED]' },
    source: 'env VPSIE_AUTOSCALER_VPSIE_CLIENT_ID and VPSIE_AUTOSCALER_VPSIE_CLIENT_SECRET',
  });
});

test('credential env vars are not config settings and are not reported as unknown', () => {
  expect(() =>
    resolveConfig({
      env: {
        VPSIE_AUTOSCALER_VPSIE_TOKEN: TOKEN,
        VPSIE_AUTOSCALER_VPSIE_CLIENT_ID: 'id',
        VPSIE_AUTOSCALER_VPSIE_CLIENT_SECRET: CLIENT_SECRET,
      },
    }),
  ).not.toThrow();
  expect(credentialsFromEnv({ VPSIE_AUTOSCALER_VPSIE_TOKEN: TOKEN })?.source).toBe(
    'env VPSIE_AUTOSCALER_VPSIE_TOKEN',
  );
});

describe('credentials in the config file or on the command line are rejected without echoing them', () => {
  test('in the YAML file, anywhere', () => {
    const problems = problemsOf({
      file: yamlFile(
        `vpsie:\n  token: ${TOKEN}\n  clientSecret: ${CLIENT_SECRET}\n  clientId: abc\napiKey: ${TOKEN}\n`,
      ),
    });
    expect(problems.map((p) => p.split(' is not accepted')[0])).toEqual([
      'file config.yaml:vpsie.token',
      'file config.yaml:vpsie.clientSecret',
      'file config.yaml:vpsie.clientId',
      'file config.yaml:apiKey',
    ]);
    for (const problem of problems) {
      expect(problem).toContain('credentials never go in the config file');
      expect(problem).toContain('VPSIE_AUTOSCALER_VPSIE_TOKEN');
      expect(problem).not.toContain(TOKEN);
      expect(problem).not.toContain(CLIENT_SECRET);
    }
  });

  test('as flags, in both spellings, also when the value follows as the next argument', () => {
    const problems = problemsOf({
      argv: [
        '--token',
        TOKEN,
        `--vpsie.token=${TOKEN}`,
        `--vpsie-client-secret=${CLIENT_SECRET}`,
        '--client-id',
        'abc',
      ],
    });
    expect(problems).toHaveLength(4);
    for (const problem of problems) {
      expect(problem).toMatch(
        /^flag --[a-z.-]+ is not accepted: credentials never go on the command line/,
      );
      expect(problem).not.toContain(TOKEN);
      expect(problem).not.toContain(CLIENT_SECRET);
    }
  });

  test('as env vars under other names', () => {
    const problems = problemsOf({ env: { VPSIE_AUTOSCALER_API_TOKEN: TOKEN } });
    expect(problems).toEqual([
      expect.stringMatching(/^env VPSIE_AUTOSCALER_API_TOKEN is not accepted/),
    ]);
    expect(problems[0]).not.toContain(TOKEN);
  });

  test('a broken YAML line holding a token is reported by line number only', () => {
    const problems = problemsOf({ file: yamlFile(`vpsie:\n  token: "${TOKEN}\n`) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^file config.yaml line \d+:/);
    expect(problems[0]).not.toContain(TOKEN);
  });
});
