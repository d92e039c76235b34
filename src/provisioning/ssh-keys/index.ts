// SSH keys for new nodes: validating OpenSSH public keys and merging every key source of a
// NodeGroup into the key ids sent to VPSie and the public keys written by cloud-init.
export { sshFingerprint } from './fingerprint';
export {
  type MergedSshKeys,
  mergeSshKeys,
  type RejectedSshKey,
  type SshKeySources,
  type SshKeyWarning,
} from './merge';
export {
  MAX_RSA_BITS,
  MIN_RSA_BITS,
  type PublicKey,
  type PublicKeyCheck,
  parsePublicKey,
  type SshKeyType,
  SUPPORTED_KEY_TYPES,
} from './public-key';
export { type SecretKeyEntry, type SecretLike, type SecretSshKeys, secretSshKeys } from './secret';
