// The SSH keys one new node gets, merged from every source:
// - key ids (keys stored in the VPSie account): the controller's defaultSshKeyIds first, then the
//   NodeGroup's sshKeyIds; duplicates dropped, first occurrence kept;
// - public keys (written by cloud-init to ssh_authorized_keys): the NodeGroup's sshPublicKeys,
//   then the keys of its sshKeySecretRef; duplicates (same SHA256 fingerprint) dropped, first
//   occurrence kept, with its comment.
// Nothing here throws on bad input. A key that fails validation is left out and reported in
// `rejected` with its source; a missing Secret or Secret key is reported in `warnings`; the node
// is provisioned with the keys that remain, and the caller turns both lists into a NodeGroup
// condition or event.
import { VPSIE_ID } from '../../apis/v1alpha1/common';
import { parsePublicKey } from './public-key';
import type { SecretSshKeys } from './secret';

export interface SshKeySources {
  /** The controller's defaultSshKeyIds, applied to every node. */
  defaultKeyIds?: readonly string[];
  /** The NodeGroup's sshKeyIds and sshPublicKeys. */
  nodeGroup?: { sshKeyIds?: readonly string[]; sshPublicKeys?: readonly string[] };
  /** The keys named by the NodeGroup's sshKeySecretRef, as read by the caller (secret.ts). */
  secretKeys?: SecretSshKeys;
}

export interface RejectedSshKey {
  /** Where the key came from, e.g. `nodegroup.sshPublicKeys[2]`, `secret ssh-keys/key "a.pub"`. */
  source: string;
  reason: string;
  /** SHA256:... when the key data could be decoded. */
  fingerprint?: string;
}

export interface SshKeyWarning {
  code: 'secret-not-found' | 'secret-key-not-found';
  source: string;
  message: string;
}

export interface MergedSshKeys {
  /** VPSie account key ids: the first goes into the create request, the rest are attached. */
  keyIds: string[];
  /** Normalised OpenSSH lines ("type base64 comment") for cloud-init ssh_authorized_keys. */
  publicKeys: string[];
  warnings: SshKeyWarning[];
  rejected: RejectedSshKey[];
}

function keyIdProblem(id: string): string | undefined {
  if (VPSIE_ID.test(id) && id.length <= 128) return undefined;
  if (/^(ssh-|ecdsa-|sk-)\S+ \S+/.test(id.trim())) {
    return 'is a public key, not a VPSie key id; put it in sshPublicKeys';
  }
  return 'is not a VPSie key id (letters, digits, . _ -, at most 128)';
}

class SshKeyMerger {
  readonly result: MergedSshKeys = { keyIds: [], publicKeys: [], warnings: [], rejected: [] };
  private readonly fingerprints = new Set<string>();

  addKeyIds(ids: readonly string[] | undefined, field: string): void {
    ids?.forEach((id, i) => {
      const problem = keyIdProblem(id);
      if (problem)
        this.result.rejected.push({
          source: `${field}[${i}]`,
          reason: `${field}[${i}] ${problem}`,
        });
      else if (!this.result.keyIds.includes(id)) this.result.keyIds.push(id);
    });
  }

  addPublicKey(text: string, source: string): void {
    const parsed = parsePublicKey(text);
    if (!parsed.ok) {
      const { reason, fingerprint } = parsed;
      this.result.rejected.push({
        source,
        reason: `${source} ${reason}`,
        ...(fingerprint && { fingerprint }),
      });
      return;
    }
    if (this.fingerprints.has(parsed.key.fingerprint)) return;
    this.fingerprints.add(parsed.key.fingerprint);
    this.result.publicKeys.push(parsed.key.line);
  }

  addSecretKeys({ secretName, entries }: SecretSshKeys): void {
    const missingSecret = entries.filter(
      (entry) => 'missing' in entry && entry.missing === 'secret',
    );
    if (missingSecret.length > 0) {
      const keys = missingSecret.map(({ key }) => `"${key}"`).join(', ');
      this.result.warnings.push({
        code: 'secret-not-found',
        source: `secret ${secretName}`,
        message: `Secret "${secretName}" (sshKeySecretRef) was not found; its keys ${keys} were not installed`,
      });
    }
    for (const entry of entries) {
      const source = `secret ${secretName}/key "${entry.key}"`;
      if ('value' in entry) this.addPublicKey(entry.value, source);
      else if ('binary' in entry) {
        this.result.rejected.push({
          source,
          reason: `${source} is binary data, not an OpenSSH public key line`,
        });
      } else if (entry.missing === 'key') {
        this.result.warnings.push({
          code: 'secret-key-not-found',
          source,
          message: `Secret "${secretName}" has no key "${entry.key}" (sshKeySecretRef.keys); it was not installed`,
        });
      }
    }
  }
}

/** All the SSH keys for a new node of a NodeGroup (see the file comment for the rules). */
export function mergeSshKeys(sources: SshKeySources): MergedSshKeys {
  const merger = new SshKeyMerger();
  merger.addKeyIds(sources.defaultKeyIds, 'defaultSshKeyIds');
  merger.addKeyIds(sources.nodeGroup?.sshKeyIds, 'nodegroup.sshKeyIds');
  sources.nodeGroup?.sshPublicKeys?.forEach((text, i) =>
    merger.addPublicKey(text, `nodegroup.sshPublicKeys[${i}]`),
  );
  if (sources.secretKeys) merger.addSecretKeys(sources.secretKeys);
  return merger.result;
}
