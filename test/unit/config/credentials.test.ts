import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentialReaders,
  readCredentialsPath,
  secretReader,
  type SecretsApi,
} from '../../../src/config/credential-readers';
import {
  CredentialsError,
  credentialsFromData,
  credentialsFromEnv,
  decodeSecretData,
  parseCredentialsDocument,
  resolveCredentials,
  vpsieApiUrl,
  type CredentialReaders,
} from '../../../src/config/credentials';
import { resolveConfig } from '../../../src/config/load';

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('credentialsFromData (Secret data, mounted files, credentials files)', () => {
  test('a token', () => {
    expect(credentialsFromData({ token: 'tok\n' }, 'Secret ns/s')).toEqual({
      credentials: { kind: 'token', token: 'tok' },
      source: 'Secret ns/s',
    });
  });

  test('a client id and secret, with an API url', () => {
    expect(
      credentialsFromData(
        { clientId: 'id', clientSecret: 'sec', url: 'https://api.example.test/v2' },
        'Secret ns/s',
      ),
    ).toEqual({
      credentials: { kind: 'client', clientId: 'id', clientSecret: 'sec' },
      baseUrl: 'https://api.example.test/v2',
      source: 'Secret ns/s',
    });
  });

  test('no credential keys at all: undefined (the caller decides if that is an error)', () => {
    expect(credentialsFromData({ 'ca.crt': 'x' }, 'Secret ns/s')).toBeUndefined();
  });

  test.each([
    [{ clientId: 'id' }, 'Secret ns/s: key clientId is set but key clientSecret is missing'],
    [{ clientSecret: 's' }, 'Secret ns/s: key clientSecret is set but key clientId is missing'],
    [
      { token: 't', clientId: 'id', clientSecret: 's' },
      'Secret ns/s: has both key token and key clientId; keep either the token or the client id and secret',
    ],
    [
      { client_id: 'id', clientSecret: 's' },
      'Secret ns/s: unknown key client_id; did you mean clientId?',
    ],
    [{ Token: 't' }, 'Secret ns/s: unknown key Token; did you mean token?'],
    [
      { token: 't', url: 'http://api.vpsie.com' },
      'Secret ns/s: key url "http://api.vpsie.com" is not allowed; expected an https:// URL (http:// only for loopback hosts such as localhost or 127.0.0.1)',
    ],
  ])('%j is refused: %s', (data, message) => {
    expect(() => credentialsFromData(data, 'Secret ns/s')).toThrow(new CredentialsError(message));
  });

  test('empty values count as missing', () => {
    expect(credentialsFromData({ token: '', clientId: ' ' }, 'x')).toBeUndefined();
  });
});

describe('credentialsFromEnv', () => {
  test('token, or client id and secret; errors name the env vars', () => {
    expect(credentialsFromEnv({ VPSIE_AUTOSCALER_VPSIE_TOKEN: 't' })?.credentials).toEqual({
      kind: 'token',
      token: 't',
    });
    expect(credentialsFromEnv({})).toBeUndefined();
    expect(() => credentialsFromEnv({ VPSIE_AUTOSCALER_VPSIE_CLIENT_ID: 'id' })).toThrow(
      'environment: env VPSIE_AUTOSCALER_VPSIE_CLIENT_ID is set but env VPSIE_AUTOSCALER_VPSIE_CLIENT_SECRET is missing',
    );
  });
});

test('decodeSecretData decodes the base64 the API returns', () => {
  expect(decodeSecretData({ token: base64('tok'), url: base64('https://x.test') })).toEqual({
    token: 'tok',
    url: 'https://x.test',
  });
  expect(decodeSecretData(undefined)).toEqual({});
});

describe('parseCredentialsDocument', () => {
  test('YAML and JSON, numeric ids as text', () => {
    expect(parseCredentialsDocument('clientId: 1234\nclientSecret: s\n', 'c.yaml')).toEqual({
      clientId: '1234',
      clientSecret: 's',
    });
    expect(parseCredentialsDocument('{"token": "t"}', 'c.json')).toEqual({ token: 't' });
  });

  test('malformed files are reported without their content', () => {
    expect(() => parseCredentialsDocument('token: "secret-value\n', 'c.yaml')).toThrow(
      /^file c.yaml: not valid YAML or JSON \(line \d+\)$/,
    );
    expect(() => parseCredentialsDocument('- a\n', 'c.yaml')).toThrow('expected a mapping');
    expect(() => parseCredentialsDocument('token: {a: 1}\n', 'c.yaml')).toThrow(
      'file c.yaml: key token must be a string',
    );
  });
});

describe('resolveCredentials: env, then vpsie.credentialsFile, then the Secret', () => {
  const defaults = resolveConfig({}).config;
  const withFile = resolveConfig({ argv: ['--vpsie.credentials-file=/creds'] }).config;
  const secretData = { token: 'from-secret' };
  const readers = (overrides: Partial<CredentialReaders> = {}): CredentialReaders => ({
    readPath: async () => ({ token: 'from-file' }),
    readSecret: async () => secretData,
    ...overrides,
  });
  const tokenOf = (resolved: { credentials: unknown }) =>
    (resolved.credentials as { token?: string }).token;

  test('env wins over the file and the Secret', async () => {
    const resolved = await resolveCredentials(
      withFile,
      { VPSIE_AUTOSCALER_VPSIE_TOKEN: 'from-env' },
      readers(),
    );
    expect(tokenOf(resolved)).toBe('from-env');
    expect(resolved.source).toBe('env VPSIE_AUTOSCALER_VPSIE_TOKEN');
  });

  test('the credentials file wins over the Secret', async () => {
    const resolved = await resolveCredentials(withFile, {}, readers());
    expect(tokenOf(resolved)).toBe('from-file');
    expect(resolved.source).toBe('file /creds');
  });

  test('otherwise the Secret named in the config', async () => {
    const asked: string[] = [];
    const resolved = await resolveCredentials(
      resolveConfig({ argv: ['--vpsie-secret-name=creds', '--vpsie-secret-namespace=ops'] }).config,
      {},
      readers({
        readSecret: async (namespace, name) => {
          asked.push(`${namespace}/${name}`);
          return { clientId: 'id', clientSecret: 'sec', url: 'http://127.0.0.1:8090' };
        },
      }),
    );
    expect(asked).toEqual(['ops/creds']);
    expect(resolved.source).toBe('Secret ops/creds');
    expect(resolved.credentials).toEqual({ kind: 'client', clientId: 'id', clientSecret: 'sec' });
    expect(vpsieApiUrl(defaults, resolved)).toBe('http://127.0.0.1:8090');
  });

  test('without a url the configured base URL is used', async () => {
    const resolved = await resolveCredentials(defaults, {}, readers());
    expect(vpsieApiUrl(defaults, resolved)).toBe('https://api.vpsie.com');
  });

  test('a missing Secret says every way to provide credentials', async () => {
    await expect(
      resolveCredentials(defaults, {}, readers({ readSecret: async () => undefined })),
    ).rejects.toThrow(
      'no VPSie credentials: create Secret kube-system/vpsie-secret with key token (or clientId and clientSecret, optional url), set env VPSIE_AUTOSCALER_VPSIE_TOKEN (or VPSIE_AUTOSCALER_VPSIE_CLIENT_ID and VPSIE_AUTOSCALER_VPSIE_CLIENT_SECRET), or set vpsie.credentialsFile',
    );
  });

  test('a Secret or file without credential keys is an error, as is an unreadable file', async () => {
    await expect(
      resolveCredentials(defaults, {}, readers({ readSecret: async () => ({ other: 'x' }) })),
    ).rejects.toThrow(
      'Secret kube-system/vpsie-secret: holds no key token, or clientId and clientSecret',
    );
    await expect(
      resolveCredentials(
        withFile,
        {},
        readers({ readPath: () => Promise.reject(new Error('ENOENT: no such file')) }),
      ),
    ).rejects.toThrow('file /creds: cannot be read: ENOENT: no such file');
  });
});

describe('the I/O readers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vpsie-creds-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a mounted Secret directory, laid out the way the kubelet does it', async () => {
    // kubelet: real files under ..<timestamp>, `..data` points there, keys are symlinks via ..data.
    await mkdir(join(dir, '..2024_01_01'));
    await writeFile(join(dir, '..2024_01_01', 'clientId'), 'id\n');
    await writeFile(join(dir, '..2024_01_01', 'clientSecret'), 'sec\n');
    await symlink('..2024_01_01', join(dir, '..data'));
    await symlink(join('..data', 'clientId'), join(dir, 'clientId'));
    await symlink(join('..data', 'clientSecret'), join(dir, 'clientSecret'));
    expect(await readCredentialsPath(dir)).toEqual({ clientId: 'id\n', clientSecret: 'sec\n' });
    const config = resolveConfig({ argv: [`--vpsie.credentials-file=${dir}`] }).config;
    const resolved = await resolveCredentials(config, {}, credentialReaders({} as SecretsApi));
    expect(resolved.credentials).toEqual({ kind: 'client', clientId: 'id', clientSecret: 'sec' });
  });

  test('a YAML credentials file', async () => {
    const file = join(dir, 'creds.yaml');
    await writeFile(file, 'token: tok\n');
    expect(await readCredentialsPath(file)).toEqual({ token: 'tok' });
  });

  test('the Secret through the Kubernetes API: decoded, 404 as absent, other errors explained', async () => {
    const calls: unknown[] = [];
    const api = {
      readNamespacedSecret: async (request: { name: string; namespace: string }) => {
        calls.push(request);
        return { data: { token: base64('tok') } };
      },
    } as unknown as SecretsApi;
    expect(await secretReader(api)('kube-system', 'vpsie-secret')).toEqual({ token: 'tok' });
    expect(calls).toEqual([{ name: 'vpsie-secret', namespace: 'kube-system' }]);

    const failing = (error: object) =>
      ({ readNamespacedSecret: () => Promise.reject(error) }) as unknown as SecretsApi;
    const notFound = Object.assign(new Error('HTTP-Code: 404'), { code: 404 });
    expect(await secretReader(failing(notFound))('ns', 's')).toBeUndefined();
    const forbidden = Object.assign(new Error('HTTP-Code: 403 forbidden'), { code: 403 });
    await expect(secretReader(failing(forbidden))('ns', 's')).rejects.toThrow(
      'cannot read Secret ns/s: HTTP-Code: 403 forbidden',
    );
  });
});
