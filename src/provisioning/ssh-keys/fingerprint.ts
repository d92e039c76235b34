// OpenSSH's key fingerprint (what `ssh-keygen -l` prints and sshd logs): SHA-256 of the decoded
// key blob, base64 without padding. Reporting keys by fingerprint names them without showing them.
import { createHash } from 'node:crypto';

export function sshFingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
