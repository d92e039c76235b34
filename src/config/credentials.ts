// VPSie API credentials: a token, or a client id and secret, plus an optional API URL. They come
// from env, a file, or the Kubernetes Secret, never from the config file or flags, and are kept
// out of the Config so nothing that prints or serialises the Config can leak them.
// Parsing is pure here; reading files and the Secret is injected (credential-readers.ts).
import { LineCounter, parseDocument } from 'yaml';
import type { VpsieCredentials } from '../vpsie/credentials';
import { CREDENTIAL_ENV, CREDENTIAL_KEYS, type CredentialKey } from './credential-names';
import { HTTPS_URL_EXPECTED, isAllowedApiUrl } from './formats';
import type { Environment } from './load';
import type { Config } from './schema';
import { closest } from './suggest';

export interface ResolvedCredentials {
  credentials: VpsieCredentials;
  /** API base URL from the credentials' `url` key; when present it replaces vpsie.baseUrl. */
  baseUrl?: string;
  /** Where they came from, safe to log: e.g. `Secret kube-system/vpsie-secret`. */
  source: string;
}

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

export interface CredentialReaders {
  /** Key → value data of a mounted Secret directory or a YAML/JSON file. */
  readPath(path: string): Promise<Record<string, string>>;
  /** Decoded data of a Secret, or undefined when it does not exist. */
  readSecret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

const REDACTED = '[REDACTED]';
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

// JSON.stringify, console.log and util.inspect all show a placeholder instead of the secrets.
// Non-enumerable, so spreading or the logger's own redaction see only the real fields.
function hideSecrets<T extends object>(target: T, shown: () => object): T {
  for (const key of ['toJSON', INSPECT]) {
    Object.defineProperty(target, key, { value: shown, enumerable: false });
  }
  return target;
}

function protect(resolved: ResolvedCredentials): ResolvedCredentials {
  const { credentials } = resolved;
  const masked =
    credentials.kind === 'token'
      ? { kind: 'token', token: REDACTED }
      : { kind: 'client', clientId: credentials.clientId, clientSecret: REDACTED };
  hideSecrets(credentials, () => masked);
  return hideSecrets(resolved, () => ({ ...resolved, credentials: masked }));
}

/**
 * Credentials from key → value data: a Secret's decoded data, a mounted Secret directory, a
 * credentials file, or env. `where` names the place in errors; `keyName` names one key there.
 * Undefined when the data holds no credential keys at all.
 */
export function credentialsFromData(
  data: Readonly<Record<string, string | undefined>>,
  where: string,
  keyName: (key: CredentialKey) => string = (key) => `key ${key}`,
): ResolvedCredentials | undefined {
  for (const key of Object.keys(data)) {
    const meant = (CREDENTIAL_KEYS as readonly string[]).includes(key)
      ? undefined
      : closest(key, CREDENTIAL_KEYS);
    if (meant) throw new CredentialsError(`${where}: unknown key ${key}; did you mean ${meant}?`);
  }
  // Files written with `echo` end in a newline; no credential has surrounding whitespace.
  const value = (key: CredentialKey) => data[key]?.trim() || undefined;
  const [token, clientId, clientSecret, url] = CREDENTIAL_KEYS.map(value);
  if (url !== undefined && !isAllowedApiUrl(url)) {
    throw new CredentialsError(
      `${where}: ${keyName('url')} ${JSON.stringify(url)} is not allowed; expected ${HTTPS_URL_EXPECTED}`,
    );
  }
  const extra = url === undefined ? {} : { baseUrl: url };
  if (token !== undefined && (clientId !== undefined || clientSecret !== undefined)) {
    throw new CredentialsError(
      `${where}: has both ${keyName('token')} and ${keyName(clientId !== undefined ? 'clientId' : 'clientSecret')}; keep either the token or the client id and secret`,
    );
  }
  if (token !== undefined)
    return { credentials: { kind: 'token', token }, source: where, ...extra };
  if (clientId !== undefined && clientSecret !== undefined) {
    return { credentials: { kind: 'client', clientId, clientSecret }, source: where, ...extra };
  }
  if (clientId !== undefined || clientSecret !== undefined) {
    const [present, missing] =
      clientId !== undefined ? ['clientId', 'clientSecret'] : ['clientSecret', 'clientId'];
    throw new CredentialsError(
      `${where}: ${keyName(present as CredentialKey)} is set but ${keyName(missing as CredentialKey)} is missing`,
    );
  }
  return undefined;
}

/** Credentials from VPSIE_AUTOSCALER_VPSIE_TOKEN or ..._CLIENT_ID + ..._CLIENT_SECRET, if set. */
export function credentialsFromEnv(env: Environment): ResolvedCredentials | undefined {
  const data = {
    token: env[CREDENTIAL_ENV.token],
    clientId: env[CREDENTIAL_ENV.clientId],
    clientSecret: env[CREDENTIAL_ENV.clientSecret],
  };
  const keyName = (key: CredentialKey) =>
    `env ${CREDENTIAL_ENV[key as keyof typeof CREDENTIAL_ENV]}`;
  const found = credentialsFromData(data, 'environment', keyName);
  if (!found) return undefined;
  const names =
    found.credentials.kind === 'token'
      ? [CREDENTIAL_ENV.token]
      : [CREDENTIAL_ENV.clientId, CREDENTIAL_ENV.clientSecret];
  return { ...found, source: `env ${names.join(' and ')}` };
}

/** A Secret's `data` (base64 values, as the API returns it) decoded to text. */
export function decodeSecretData(
  data: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}

/** A YAML or JSON credentials file: a flat mapping of the credential keys. */
export function parseCredentialsDocument(text: string, path: string): Record<string, string> {
  // Errors name the line only: the pretty form quotes the line, which may hold the secret.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  const error = doc.errors[0];
  if (error) {
    throw new CredentialsError(
      `file ${path}: not valid YAML or JSON (line ${lineCounter.linePos(error.pos[0]).line})`,
    );
  }
  const data: unknown = doc.toJS();
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CredentialsError(
      `file ${path}: expected a mapping with key token, or clientId and clientSecret`,
    );
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    // Ids are sometimes written as bare numbers; anything else nested is a mistake.
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new CredentialsError(`file ${path}: key ${key} must be a string`);
    }
    out[key] = String(value);
  }
  return out;
}

const NONE_FOUND = (vpsie: Config['vpsie']) =>
  `no VPSie credentials: create Secret ${vpsie.secretNamespace}/${vpsie.secretName} with key token ` +
  `(or clientId and clientSecret, optional url), set env ${CREDENTIAL_ENV.token} ` +
  `(or ${CREDENTIAL_ENV.clientId} and ${CREDENTIAL_ENV.clientSecret}), or set vpsie.credentialsFile`;

/**
 * The credentials to use: env first (explicit for this process), then vpsie.credentialsFile when
 * set, else the Kubernetes Secret vpsie.secretNamespace/vpsie.secretName.
 */
export async function resolveCredentials(
  config: Pick<Config, 'vpsie'>,
  env: Environment,
  readers: CredentialReaders,
): Promise<ResolvedCredentials> {
  const { vpsie } = config;
  const fromEnv = credentialsFromEnv(env);
  if (fromEnv) return protect(fromEnv);
  if (vpsie.credentialsFile !== undefined) {
    const where = `file ${vpsie.credentialsFile}`;
    let data: Record<string, string>;
    try {
      data = await readers.readPath(vpsie.credentialsFile);
    } catch (error) {
      if (error instanceof CredentialsError) throw error;
      throw new CredentialsError(`${where}: cannot be read: ${(error as Error).message}`);
    }
    const found = credentialsFromData(data, where);
    if (!found)
      throw new CredentialsError(`${where}: holds no key token, or clientId and clientSecret`);
    return protect(found);
  }
  const where = `Secret ${vpsie.secretNamespace}/${vpsie.secretName}`;
  const data = await readers.readSecret(vpsie.secretNamespace, vpsie.secretName);
  if (!data) throw new CredentialsError(NONE_FOUND(vpsie));
  const found = credentialsFromData(data, where);
  if (!found)
    throw new CredentialsError(`${where}: holds no key token, or clientId and clientSecret`);
  return protect(found);
}

/** The API URL to call: the credentials' `url` when they carry one, else vpsie.baseUrl. */
export function vpsieApiUrl(config: Pick<Config, 'vpsie'>, resolved: ResolvedCredentials): string {
  return resolved.baseUrl ?? config.vpsie.baseUrl;
}
