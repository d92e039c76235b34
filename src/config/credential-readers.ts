// The I/O behind credentials.ts: reading a mounted Secret directory or a credentials file, and
// reading the Secret through the Kubernetes API. Kept thin; all parsing is in credentials.ts.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreV1Api } from '@kubernetes/client-node';
import {
  CredentialsError,
  decodeSecretData,
  parseCredentialsDocument,
  type CredentialReaders,
} from './credentials';

/** A directory (one file per key, as Kubernetes mounts a Secret) or a YAML/JSON file. */
export async function readCredentialsPath(path: string): Promise<Record<string, string>> {
  if (!(await stat(path)).isDirectory()) {
    return parseCredentialsDocument(await readFile(path, 'utf8'), path);
  }
  const data: Record<string, string> = {};
  for (const name of await readdir(path)) {
    // Kubernetes keeps its atomic-update machinery in `..data` and `..<timestamp>` entries.
    if (name.startsWith('.')) continue;
    const file = join(path, name);
    if ((await stat(file)).isFile()) data[name] = await readFile(file, 'utf8');
  }
  return data;
}

/** Only what we call, so tests can pass a plain object instead of a CoreV1Api. */
export type SecretsApi = Pick<CoreV1Api, 'readNamespacedSecret'>;

export function secretReader(api: SecretsApi): CredentialReaders['readSecret'] {
  return async (namespace, name) => {
    try {
      const secret = await api.readNamespacedSecret({ name, namespace });
      return decodeSecretData(secret.data);
    } catch (error) {
      if ((error as { code?: unknown }).code === 404) return undefined;
      throw new CredentialsError(
        `cannot read Secret ${namespace}/${name}: ${(error as Error).message}`,
      );
    }
  };
}

export function credentialReaders(api: SecretsApi): CredentialReaders {
  return { readPath: readCredentialsPath, readSecret: secretReader(api) };
}
