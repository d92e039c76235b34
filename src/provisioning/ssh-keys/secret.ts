// The public keys a NodeGroup's sshKeySecretRef names, taken out of the Secret the caller read.
// A missing Secret or key is not an error here: it becomes a "missing" entry that the merge turns
// into a warning, so a node still gets every other key.

/** One key named by sshKeySecretRef.keys, as found (or not) in the Secret. */
export type SecretKeyEntry =
  | { key: string; value: string }
  | { key: string; missing: 'secret' | 'key' }
  /** The value is not UTF-8 text (a binary DER key, say). */
  | { key: string; binary: true };

export interface SecretSshKeys {
  secretName: string;
  /** One entry per key in sshKeySecretRef.keys, in that order. */
  entries: readonly SecretKeyEntry[];
}

/** The parts of a Secret we read, as the Kubernetes API returns it (`data` is base64). */
export interface SecretLike {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decode(base64: string): string | undefined {
  try {
    return UTF8.decode(Buffer.from(base64, 'base64'));
  } catch {
    return undefined;
  }
}

/**
 * The entries for `ref` from `secret`, the Secret as read from the API server (undefined when it
 * does not exist). stringData only appears on objects that were never stored, such as a manifest
 * in a test; a stored Secret has everything in data.
 */
export function secretSshKeys(
  ref: { name: string; keys: readonly string[] },
  secret: SecretLike | undefined,
): SecretSshKeys {
  const entries = ref.keys.map((key): SecretKeyEntry => {
    if (secret === undefined) return { key, missing: 'secret' };
    const text = secret.stringData?.[key];
    if (text !== undefined) return { key, value: text };
    const encoded = secret.data?.[key];
    if (encoded === undefined) return { key, missing: 'key' };
    const value = decode(encoded);
    return value === undefined ? { key, binary: true } : { key, value };
  });
  return { secretName: ref.name, entries };
}
